package dev.eventfold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Each command once against moto (or the endpoint of EVENTFOLD_TEST_ENDPOINT), through the real SDK. */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsOnAwsTest {
    AwsTestEnvironment aws;
    DynamoDbClient ddb;
    String table;
    DynamoDbEventStore store;

    @BeforeAll
    void createTheTableWithTheCli(AwsTestEnvironment aws) {
        this.aws = aws;
        this.ddb = aws.dynamoDb();
        this.table = AwsTestEnvironment.uniqueName("cli");
        CliRun r = cli("create-table");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("created table " + table, "NEW_AND_OLD_IMAGES", "tenantIndex");
        store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
    }

    CliRun cli(String... args) {
        return on(table, args);
    }

    CliRun on(String tableName, String... args) {
        return CliRun.on(aws, Stream.concat(Stream.of(args), Stream.of("--table", tableName)).toArray(String[]::new));
    }

    void seed(String tableName, String type, String id, int n) {
        DynamoDbEventStore s = DynamoDbEventStore.builder().client(ddb).tableName(tableName).build();
        AggregateRef ref = AggregateRef.of(type, id);
        List<NewEvent> events = new ArrayList<>();
        for (int v = 1; v <= n; v++) {
            events.add(NewEvent.builder().eventId("evt-" + id + "-" + v).eventType("Wallet.Funded").source("billing")
                    .tenantId("t-" + id).payload(Map.of("amount", v * 100)).build());
        }
        s.appendEvents(ref, 0, events);
    }

    String newTable() {
        String t = AwsTestEnvironment.uniqueName("cli");
        EventTable.create(ddb, t);
        return t;
    }

    @Test
    void create_table_leaves_an_existing_table_as_it_is() {
        CliRun r = cli("create-table");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("table " + table + " already exists");
    }

    @Nested
    class AppendHeadAndEvents {
        @Test
        void appended_events_are_listed_page_by_page_and_the_head_follows() {
            for (int i = 1; i <= 3; i++) {
                CliRun r = cli("append", "wallet/a1", "--event-type", "Wallet.Funded", "--payload", "{\"amount\":" + i + "00}",
                        "--source", "billing", "--tenant", "t-a");
                assertThat(r.exitCode()).as(r.err()).isZero();
                assertThat(r.out()).contains("appended Wallet.Funded to wallet/a1 at version " + i, "sk EVT#00000000" + i);
            }
            CliRun stale = cli("append", "wallet/a1", "--event-type", "Wallet.Funded", "--payload", "{}", "--expected-version", "1");
            assertThat(stale.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(stale.errLines()).singleElement().asString().contains("conflict", "expected version 1", "actual version 3");

            CliRun head = cli("head", "wallet/a1");
            assertThat(head.out()).contains("currentVersion  3");
            JsonNode headJson = EventJson.parse(cli("head", "wallet/a1", "--output", "json").out());
            assertThat(headJson.get("currentVersion").asLong()).isEqualTo(3);
            assertThat(headJson.get("pk").asText()).isEqualTo("AGG#wallet#a1");

            CliRun first = cli("events", "wallet/a1", "--limit", "2");
            assertThat(first.exitCode()).isZero();
            assertThat(first.outLines()).hasSize(4);
            assertThat(first.outLines().get(0)).startsWith("VERSION  EVENT TYPE");
            assertThat(first.outLines().get(1)).matches(" +1  Wallet\\.Funded .* t-a +\\{\"amount\":100}");
            assertThat(first.outLines().get(3)).isEqualTo("more: --cursor EVT#000000002");
            CliRun next = cli("events", "wallet/a1", "--limit", "2", "--cursor", "EVT#000000002");
            assertThat(next.out()).containsPattern(" 3  Wallet\\.Funded").doesNotContain("{\"amount\":100}");

            JsonNode all = EventJson.parse(cli("events", "wallet/a1", "--all", "--limit", "1", "--output", "json").out());
            assertThat(all.get("data")).extracting(e -> e.get("version").asLong()).containsExactly(1L, 2L, 3L);
            assertThat(all.get("data").get(2).get("payload").get("amount").asInt()).isEqualTo(300);
            assertThat(all.get("hasMore").asBoolean()).isFalse();
            assertThat(all.get("cursor").isNull()).isTrue();
            JsonNode range = EventJson.parse(cli("events", "wallet/a1", "--after", "1", "--through", "2", "--output", "json").out());
            assertThat(range.get("data")).extracting(e -> e.get("version").asLong()).containsExactly(2L);
        }

        @Test
        void an_aggregate_without_events_has_no_head_and_an_empty_listing() {
            CliRun head = cli("head", "wallet/nobody");
            assertThat(head.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(head.errLines()).singleElement().asString().contains("wallet/nobody has no events");
            assertThat(cli("events", "wallet/nobody").out()).contains("no events of wallet/nobody");
        }

        @Test
        void a_missing_table_is_one_line_that_says_so() {
            CliRun r = on(AwsTestEnvironment.uniqueName("missing"), "events", "wallet/a1");
            assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(r.errLines()).singleElement().asString().contains("ResourceNotFoundException", "create-table");
        }
    }

    @Test
    void tail_without_from_start_prints_an_event_appended_after_it_started_and_none_before() throws Exception {
        String t = newTable();
        seed(t, "wallet", "old", 2);
        List<String> args = new ArrayList<>(List.of("tail", "--table", t, "--max-events", "1", "--idle-timeout", "30s",
                "--poll-interval", "50ms", "--output", "json"));
        args.addAll(CliRun.target(aws));
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.remove("EVENTFOLD_TABLE");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        java.util.concurrent.CompletableFuture<Integer> tail = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                EventfoldCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), env, args.toArray(String[]::new)));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!err.toString().contains("tailing") && !tail.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(err.toString()).contains("(new events only)");
        seed(t, "wallet", "new", 1);

        assertThat(tail.get(40, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).singleElement()
                .satisfies(line -> assertThat(EventJson.parse(line).get("eventId").asText()).isEqualTo("evt-new-1"));
    }

    @Test
    void tail_prints_the_streams_events_as_they_come() {
        String t = newTable();
        seed(t, "wallet", "t1", 2);
        CliRun json = on(t, "tail", "--from-start", "--max-events", "2", "--idle-timeout", "20s", "--output", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.outLines()).hasSize(2).allSatisfy(line -> assertThat(EventJson.parse(line).get("itemType").asText())
                .isEqualTo("event"));
        assertThat(json.outLines()).extracting(l -> EventJson.parse(l).get("eventId").asText()).containsExactly("evt-t1-1", "evt-t1-2");
        CliRun lines = on(t, "tail", "--from-start", "--max-events", "1", "--idle-timeout", "20s");
        assertThat(lines.outLines()).singleElement().asString().startsWith("v1  wallet/t1  Wallet.Funded  evt-t1-1  ");
        CliRun idle = on(t, "tail", "--idle-timeout", "300ms");
        assertThat(idle.exitCode()).isZero();
        assertThat(idle.out()).isEmpty();
        assertThat(idle.err()).contains("no event for 300 ms");
    }

    @Nested
    class Replay {
        @Test
        void a_dry_run_counts_and_sends_nothing() {
            seed(table, "wallet", "d1", 3);
            SqsClient sqs = aws.sqs();
            String queue = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("dry"))).queueUrl();
            CliRun r = cli("replay", "--aggregate", "wallet/d1", "--queue-url", queue, "--dry-run");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("dry run, would publish 3 events", "Wallet.Funded=3");
            CliRun scan = cli("replay", "--event-type", "Wallet.Funded", "--segments", "2", "--dry-run");
            assertThat(scan.out()).containsPattern("would publish \\d+ events \\(types \\[Wallet.Funded]");
            assertThat(sqs.receiveMessage(m -> m.queueUrl(queue).maxNumberOfMessages(10)).messages()).isEmpty();
        }

        @Test
        void a_replay_reaches_the_queue_with_meta_replay_and_forgets_its_finished_checkpoint(@TempDir Path dir) {
            seed(table, "wallet", "r1", 3);
            SqsClient sqs = aws.sqs();
            String queue = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("replay"))).queueUrl();
            Path checkpoint = dir.resolve("fix-1.json");
            CliRun r = cli("replay", "--aggregate", "wallet/r1", "--queue-url", queue, "--rate", "1000",
                    "--checkpoint", checkpoint.toString(), "--progress");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("published 3 of 3 events (aggregate AGG#wallet#r1");
            assertThat(r.err()).contains("3/3", "100%");
            assertThat(Files.exists(checkpoint)).isFalse();

            List<Message> received = new ArrayList<>();
            for (int i = 0; i < 5 && received.size() < 3; i++) {
                received.addAll(sqs.receiveMessage(m -> m.queueUrl(queue).maxNumberOfMessages(10)).messages());
            }
            assertThat(received).hasSize(3).allSatisfy(m -> assertThat(EventJson.parse(m.body()).get("meta").get("replay")
                    .asBoolean()).isTrue());
            assertThat(received).extracting(m -> EventJson.parse(m.body()).get("version").asLong())
                    .containsExactlyInAnyOrder(1L, 2L, 3L);
        }

        @Test
        void a_missing_bus_stops_the_replay_before_anything_is_sent() {
            seed(table, "wallet", "b1", 1);
            SqsClient sqs = aws.sqs();
            String queue = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("bus"))).queueUrl();
            CliRun r = cli("replay", "--tenant", "t-b1", "--queue-url", queue, "--bus", AwsTestEnvironment.uniqueName("nobus"));
            assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(r.errLines()).singleElement().asString().contains("bus", "does not exist");
            assertThat(sqs.receiveMessage(m -> m.queueUrl(queue).maxNumberOfMessages(10)).messages()).isEmpty();
        }
    }

    @Test
    void verify_passes_on_a_clean_table_and_reports_a_planted_gap_with_exit_code_1() {
        String t = newTable();
        seed(t, "wallet", "v1", 3);
        seed(t, "wallet", "v2", 1);
        CliRun clean = on(t, "verify");
        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("table " + t + ": 2 aggregates, 4 events, no defects");

        ddb.deleteItem(r -> r.tableName(t).key(Map.of("pk", AttributeValue.fromS("AGG#wallet#v1"),
                "sk", AttributeValue.fromS("EVT#000000002"))));
        CliRun gap = on(t, "verify", "--segments", "2");
        assertThat(gap.exitCode()).isEqualTo(1);
        assertThat(gap.outLines()).hasSize(2);
        assertThat(gap.outLines().get(1)).contains("VERSION_GAP pk=AGG#wallet#v1 sk=EVT#000000002", "version 2 is missing");
        assertThat(on(t, "verify", "--aggregate", "wallet/v2").exitCode()).isZero();
        assertThat(on(t, "verify", "--aggregate", "wallet/v1").exitCode()).isEqualTo(1);
    }
}
