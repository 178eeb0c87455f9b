package dev.eventfold.dynamodb.replay;

import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.dynamodb.scan.DynamoDbScanSource;
import dev.eventfold.replay.ReplayCheckpointStore;
import dev.eventfold.replay.ReplayReport;
import dev.eventfold.replay.ReplaySelector;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.replay.Replayer;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Replays from DynamoDB into a real SQS queue (moto), checking meta.replay on the received bodies. */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayOnDynamoDbTest {
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00.000Z");

    DynamoDbClient ddb;
    SqsClient sqs;
    String table;
    String queueUrl;
    DynamoDbEventStore store;

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb();
        sqs = aws.sqs();
        table = AwsTestEnvironment.uniqueName("replay");
        EventTable.create(ddb, table);
        store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
        seed("a", "t-1", 12, "Wallet.Funded");
        seed("b", "t-1", 2, "Wallet.Closed");
        seed("c", "t-2", 3, "Order.Placed");
    }

    @BeforeEach
    void freshQueue() {
        queueUrl = sqs.createQueue(c -> c.queueName(AwsTestEnvironment.uniqueName("replay-q"))).queueUrl();
    }

    void seed(String id, String tenant, int n, String type) {
        AggregateRef ref = AggregateRef.of("wallet", id);
        for (int v = 1; v <= n; v++) {
            store.appendEvent(ref, v - 1, NewEvent.builder().eventId(id + "-" + v).eventType(type).tenantId(tenant)
                    .occurredAt(T0.plus(Duration.ofMinutes(v))).payload(Map.of("n", v)).build());
        }
    }

    /** A minimal SQS sink: one SendMessageBatch per batch, failures per entry. */
    ReplaySink sqsSink() {
        return events -> {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + i)
                        .messageBody(EventItems.toMessageBody(events.get(i))).build());
            }
            SendMessageBatchResponse r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            List<ReplaySink.Failure> failures = new ArrayList<>();
            for (BatchResultErrorEntry f : r.failed()) {
                failures.add(new ReplaySink.Failure(events.get(Integer.parseInt(f.id().substring(1))).eventId(), f.code()));
            }
            return new ReplaySink.Result(failures);
        };
    }

    List<JsonNode> receivedBodies() {
        List<JsonNode> bodies = new ArrayList<>();
        while (true) {
            List<Message> msgs = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (msgs.isEmpty()) {
                return bodies;
            }
            for (Message m : msgs) {
                bodies.add(EventJson.parse(m.body()));
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    @Test
    void by_aggregate_every_received_body_carries_meta_replay() {
        ReplayReport r = Replayer.builder(store).sink(sqsSink()).build()
                .run(ReplaySelector.aggregate(AggregateRef.of("wallet", "a")));
        assertThat(r.published()).isEqualTo(12);
        List<JsonNode> bodies = receivedBodies();
        assertThat(bodies).hasSize(12).allSatisfy(b -> {
            assertThat(b.get("meta").get("replay").booleanValue()).isTrue();
            assertThat(b.get("pk").asText()).isEqualTo("AGG#wallet#a");
            assertThat(b.get("itemType").asText()).isEqualTo("event");
        });
        assertThat(bodies).extracting(b -> b.get("version").longValue())
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 12).mapToObj(i -> (long) i).toList());
    }

    @Test
    void by_tenant_through_the_tenant_index() {
        ReplayReport r = Replayer.builder(store).sink(sqsSink()).build().run(ReplaySelector.tenant("t-1"));
        assertThat(r.published()).isEqualTo(14);
        List<JsonNode> bodies = receivedBodies();
        assertThat(bodies).hasSize(14).allSatisfy(b -> {
            assertThat(b.get("meta").get("replay").booleanValue()).isTrue();
            assertThat(b.get("tenantId").asText()).isEqualTo("t-1");
        });
    }

    @Test
    void by_type_and_time_over_a_parallel_scan_resumable_and_dry_run_first() {
        ReplaySelector sel = ReplaySelector.eventTypes(Set.of("Wallet.Funded", "Order.Placed"),
                T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(4)), 3);
        DynamoDbScanSource scan = DynamoDbScanSource.builder().client(ddb).tableName(table).pageLimit(5).consistentRead(true).build();
        Replayer replayer = Replayer.builder(store).sink(sqsSink()).scanSource(scan).parallelism(3)
                .checkpoints(ReplayCheckpointStore.inMemory(), "scan-1").build();

        ReplayReport dry = replayer.dryRun(sel);
        assertThat(dry.matched()).isEqualTo(4);
        assertThat(receivedBodies()).isEmpty();

        ReplayReport r = replayer.run(sel);
        assertThat(r.completed()).isTrue();
        List<JsonNode> bodies = receivedBodies();
        assertThat(bodies).extracting(b -> b.get("eventId").asText()).containsExactlyInAnyOrder("a-2", "a-3", "c-2", "c-3");
        assertThat(bodies).allSatisfy(b -> assertThat(b.get("meta").get("replay").booleanValue()).isTrue());
        assertThat(bodies).extracting(b -> EventItems.fromJson(b)).extracting(EventRecord::version).containsOnly(2L, 3L);
    }

    /** The SQS sink, but refusing the whole batch that holds {@code failOn}, the first time only. */
    ReplaySink failingOnceOn(String failOn) {
        ReplaySink sqsSink = sqsSink();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        return events -> {
            if (events.stream().anyMatch(e -> e.eventId().equals(failOn)) && failed.compareAndSet(false, true)) {
                return new ReplaySink.Result(events.stream().map(e -> new ReplaySink.Failure(e.eventId(), "Throttled")).toList());
            }
            return sqsSink.publish(events);
        };
    }

    @Test
    void an_aggregate_replay_stopped_by_a_failing_sink_resumes_where_it_stopped_and_publishes_each_event_once() {
        ReplayCheckpointStore checkpoints = ReplayCheckpointStore.inMemory();
        Replayer replayer = Replayer.builder(store).sink(failingOnceOn("a-6")).batchSize(4)
                .checkpoints(checkpoints, "agg-resume").build();
        ReplaySelector sel = ReplaySelector.aggregate(AggregateRef.of("wallet", "a"));

        ReplayReport first = replayer.run(sel);
        assertThat(first.completed()).isFalse();
        assertThat(first.exitCode()).isEqualTo(ReplayReport.EXIT_INCOMPLETE);
        assertThat(first.published()).isEqualTo(4);
        assertThat(checkpoints.load("agg-resume")).get().satisfies(cp -> assertThat(cp.lane(0).lastSk()).isEqualTo("EVT#000000004"));

        ReplayReport second = replayer.run(sel);
        assertThat(second.completed()).isTrue();
        assertThat(second.exitCode()).isZero();
        assertThat(second.published()).isEqualTo(8);
        assertThat(checkpoints.load("agg-resume")).isEmpty();

        List<String> ids = receivedBodies().stream().map(b -> b.get("eventId").asText()).toList();
        assertThat(ids).hasSize(12).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 12).mapToObj(i -> "a-" + i).toList());
    }

    @Test
    void a_scan_replay_stopped_by_a_failing_sink_resumes_each_segment_and_publishes_each_event_once() {
        ReplaySelector sel = ReplaySelector.eventTypes(Set.of("Wallet.Funded", "Wallet.Closed", "Order.Placed"), null, null, 2);
        DynamoDbScanSource scan = DynamoDbScanSource.builder().client(ddb).tableName(table).pageLimit(3).consistentRead(true).build();
        ReplayCheckpointStore checkpoints = ReplayCheckpointStore.inMemory();
        Replayer replayer = Replayer.builder(store).sink(failingOnceOn("a-7")).scanSource(scan).batchSize(2)
                .checkpoints(checkpoints, "scan-resume").build();

        ReplayReport first = replayer.run(sel);
        assertThat(first.completed()).isFalse();
        assertThat(checkpoints.load("scan-resume")).isPresent();
        ReplayReport second = replayer.run(sel);
        assertThat(second.completed()).isTrue();
        assertThat(first.published() + second.published()).isEqualTo(17);

        List<String> ids = receivedBodies().stream().map(b -> b.get("eventId").asText()).toList();
        assertThat(ids).hasSize(17).doesNotHaveDuplicates().contains("a-7", "b-2", "c-3");
    }
}
