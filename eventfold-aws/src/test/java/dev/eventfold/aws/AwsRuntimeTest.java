package dev.eventfold.aws;

import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.OnStale;
import dev.eventfold.listener.StalenessPolicy;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.RequestCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(AwsExtension.class)
class AwsRuntimeTest {

    record Setup(DynamoDbClient ddb, String table, String streamArn, String fifoUrl, String standardUrl,
                 String busTargetUrl, String bus) {
    }

    static Setup setUp(AwsTestEnvironment aws, SqsClient sqs, EventBridgeClient events) {
        DynamoDbClient ddb = aws.dynamoDb();
        String table = AwsTestEnvironment.uniqueName("events");
        EventTable.create(ddb, table);
        String fifo = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("projections") + ".fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String standard = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("notifications"))).queueUrl();
        String target = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("audit"))).queueUrl();
        String targetArn = sqs.getQueueAttributes(r -> r.queueUrl(target).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String bus = AwsTestEnvironment.uniqueName("bus");
        events.createEventBus(r -> r.name(bus));
        String rule = AwsTestEnvironment.uniqueName("rule");
        events.putRule(r -> r.name(rule).eventBusName(bus).eventPattern("{\"source\":[\"billing\"]}"));
        events.putTargets(r -> r.rule(rule).eventBusName(bus).targets(t -> t.id("audit").arn(targetArn)));
        return new Setup(ddb, table, EventTable.latestStreamArn(ddb, table), fifo, standard, target, bus);
    }

    static StreamFanOut fanOut(Setup s, SqsClient sqs, EventBridgeClient events) {
        EventBridgePublisher bus = new EventBridgePublisher(events);
        bus.requireBus(s.bus());
        return StreamFanOut.builder().queues(List.of(s.fifoUrl(), s.standardUrl())).bus(s.bus())
                .queuePublisher(new SqsQueuePublisher(sqs)).busPublisher(bus)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
    }

    static void await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void five_hundred_events_from_four_threads_reach_every_queue_in_aggregate_order_despite_failed_entries_on_both_queues(
            AwsTestEnvironment aws) throws Exception {
        SqsClient plainSqs = aws.sqs();
        EventBridgeClient events = aws.eventBridge();
        Setup s = setUp(aws, plainSqs, events);
        // Both queues lose an entry now and then; on the FIFO queue it is the first of a request, whose
        // retry must not be overtaken by later events of its aggregate.
        FailSomeSqsEntries faults = new FailSomeSqsEntries(List.of(s.standardUrl(), s.fifoUrl()), 4);
        RequestCounter requests = new RequestCounter();
        SqsClient sqs = aws.sqs(faults, requests);
        DynamoDbEventStore store = DynamoDbEventStore.builder().client(s.ddb()).tableName(s.table()).build();
        Dispatcher dispatcher = Dispatcher.builder(store).build();

        Map<String, List<Long>> fifoOrder = new ConcurrentHashMap<>();
        List<String> fifoIds = new CopyOnWriteArrayList<>();
        List<String> standardIds = new CopyOnWriteArrayList<>();
        List<String> busIds = new CopyOnWriteArrayList<>();
        EventListener fifoListener = EventListener.builder().on("Wallet.Funded", e -> {
            fifoIds.add(e.eventId());
            fifoOrder.computeIfAbsent(e.aggregateId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.version());
        }).build();
        EventListener standardListener = EventListener.builder().on("Wallet.Funded", e -> standardIds.add(e.eventId())).build();
        EventListener busListener = EventListener.builder().on("Wallet.Funded", e -> busIds.add(e.eventId())).build();
        DynamoDbStreamsClient streams = aws.dynamoDbStreams();

        try (LocalRunner runner = LocalRunner.builder()
                .stream(new StreamPoller(streams, s.streamArn(), fanOut(s, sqs, events), ShardIteratorType.TRIM_HORIZON, 1000))
                .queue(new QueuePoller(sqs, s.fifoUrl(), fifoListener, 0))
                .queue(new QueuePoller(sqs, s.standardUrl(), standardListener, 0))
                .queue(new QueuePoller(sqs, s.busTargetUrl(), busListener, 0))
                .idlePause(Duration.ofMillis(250)).stopTimeout(Duration.ofSeconds(10))
                .build().start()) {
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(writers.submit(() -> {
                    // 5 aggregates per thread, 25 events each, dispatched one by one, aggregates interleaved
                    for (int v = 1; v <= 25; v++) {
                        for (int a = 0; a < 5; a++) {
                            String id = "w" + thread + "-" + a;
                            dispatcher.dispatchEvent(EventSpec.builder().aggregate("wallet", id)
                                    .eventId("evt-" + id + "-" + v).eventType("Wallet.Funded").source("billing")
                                    .payload(Map.of("v", v)).build());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            writers.shutdown();
            dispatcher.close();
            await(() -> fifoIds.size() >= 500 && standardIds.size() >= 500 && busIds.size() >= 500, Duration.ofSeconds(120));
        }
        assertThat(fifoIds).hasSize(500).doesNotHaveDuplicates();
        assertThat(standardIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fifoIds);
        assertThat(busIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fifoIds);
        assertThat(fifoOrder).hasSize(20).allSatisfy((aggregate, versions) ->
                assertThat(versions).isSorted().hasSize(25));
        assertThat(faults.failedPerQueue.get(s.fifoUrl()).get()).isPositive();
        assertThat(faults.failedPerQueue.get(s.standardUrl()).get()).isPositive();
        // At least 50 full batches per queue, plus one retry request per injected failure.
        assertThat(requests.count("SendMessageBatch")).isGreaterThanOrEqualTo(100 + faults.failedEntries.get());
    }

    @Test
    void the_reference_item_is_sent_as_the_reference_message_to_queues_and_bus(AwsTestEnvironment aws) throws Exception {
        SqsClient sqs = aws.sqs();
        EventBridgeClient events = aws.eventBridge();
        Setup s = setUp(aws, sqs, events);
        JsonNode message = dev.eventfold.testkit.WireVectors.json(dev.eventfold.testkit.WireVectors.EVENT_MESSAGE);
        s.ddb().putItem(r -> r.tableName(s.table()).item(AttributeValues.fromJson((ObjectNode) message)));
        // and the head item the reference writes along with it: not an event, never sent
        s.ddb().putItem(r -> r.tableName(s.table()).item(AttributeValues.fromJson((ObjectNode) EventJson.parse(
                "{\"pk\":\"AGG#wallet#wal_123\",\"sk\":\"HEAD\",\"currentVersion\":2}"))));

        StreamPoller poller = new StreamPoller(aws.dynamoDbStreams(), s.streamArn(), fanOut(s, sqs, events),
                ShardIteratorType.TRIM_HORIZON, 100);
        assertThat(poller.pollOnce()).isEqualTo(2);

        List<Message> fifo = sqs.receiveMessage(r -> r.queueUrl(s.fifoUrl()).maxNumberOfMessages(10)
                .messageSystemAttributeNamesWithStrings("All")).messages();
        assertThat(fifo).singleElement().satisfies(m -> {
            assertThat(EventJson.parse(m.body())).isEqualTo(message);
            assertThat(m.attributesAsStrings()).containsEntry("MessageGroupId", "wal_123")
                    .containsEntry("MessageDeduplicationId", "evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2");
        });
        List<Message> standard = sqs.receiveMessage(r -> r.queueUrl(s.standardUrl()).maxNumberOfMessages(10)).messages();
        assertThat(standard).singleElement().satisfies(m -> assertThat(EventJson.parse(m.body())).isEqualTo(message));
        List<Message> viaBus = sqs.receiveMessage(r -> r.queueUrl(s.busTargetUrl()).maxNumberOfMessages(10)).messages();
        assertThat(viaBus).singleElement().satisfies(m -> {
            JsonNode envelope = EventJson.parse(m.body());
            assertThat(envelope.get("source").asText()).isEqualTo("billing");
            assertThat(envelope.get("detail-type").asText()).isEqualTo("Wallet.Withdrawn");
            assertThat(envelope.get("detail")).isEqualTo(message);
        });
    }

    @Test
    void an_event_without_source_reaches_the_bus_with_the_kebab_case_of_its_aggregate_type(AwsTestEnvironment aws)
            throws Exception {
        SqsClient sqs = aws.sqs();
        EventBridgeClient events = aws.eventBridge();
        Setup s = setUp(aws, sqs, events);
        String target = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("accounts"))).queueUrl();
        String targetArn = sqs.getQueueAttributes(r -> r.queueUrl(target).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String rule = AwsTestEnvironment.uniqueName("rule");
        events.putRule(r -> r.name(rule).eventBusName(s.bus()).eventPattern("{\"source\":[\"wallet-account\"]}"));
        events.putTargets(r -> r.rule(rule).eventBusName(s.bus()).targets(t -> t.id("accounts").arn(targetArn)));
        DynamoDbEventStore store = DynamoDbEventStore.builder().client(s.ddb()).tableName(s.table()).build();
        store.appendEvent(AggregateRef.of("walletAccount.line", "l1"), 0, dev.eventfold.core.NewEvent.builder()
                .eventId("evt-nosource").eventType("Line.Opened").payload(Map.of("n", 1)).build());

        try (StreamFanOut fanOut = fanOut(s, sqs, events)) {
            new StreamPoller(aws.dynamoDbStreams(), s.streamArn(), fanOut, ShardIteratorType.TRIM_HORIZON, 100).pollOnce();
        }
        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(target).maxNumberOfMessages(10)).messages();
        assertThat(received).singleElement().satisfies(m -> {
            JsonNode envelope = EventJson.parse(m.body());
            assertThat(envelope.get("source").asText()).isEqualTo("wallet-account");
            assertThat(envelope.get("detail-type").asText()).isEqualTo("Line.Opened");
            assertThat(envelope.get("detail").get("eventId").asText()).isEqualTo("evt-nosource");
            assertThat(envelope.get("detail").has("source")).isFalse();
        });
        // The billing rule's queue got nothing: the fallback is not some fixed source.
        assertThat(sqs.receiveMessage(r -> r.queueUrl(s.busTargetUrl()).maxNumberOfMessages(10)).messages()).isEmpty();
    }

    @Test
    void a_missing_bus_is_detected_at_start_up(AwsTestEnvironment aws) {
        EventBridgePublisher bus = new EventBridgePublisher(aws.eventBridge());
        assertThatThrownBy(() -> bus.requireBus(AwsTestEnvironment.uniqueName("nobus")))
                .isInstanceOf(MissingDestinationException.class)
                .satisfies(e -> assertThat(((MissingDestinationException) e).kind()).isEqualTo("bus"));
    }

    @Test
    void a_poison_message_goes_to_the_dlq_while_the_others_are_handled_once(AwsTestEnvironment aws) throws Exception {
        SqsClient sqs = aws.sqs();
        String dlq = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("dlq"))).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queue = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("work")).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "1",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}")))
                .queueUrl();
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody("{this is not json"));
        for (int i = 1; i <= 3; i++) {
            String body = EventItems.toMessageBody(EventRecord.builder().aggregate("wallet", "w1").version(i)
                    .eventId("evt-" + i).eventType("Wallet.Funded").build());
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body));
        }
        List<String> handled = new CopyOnWriteArrayList<>();
        QueuePoller poller = new QueuePoller(sqs, queue, EventListener.builder()
                .on("Wallet.Funded", e -> handled.add(e.eventId())).build(), 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Message> dead = List.of();
        while (dead.isEmpty() && System.nanoTime() < deadline) {
            poller.pollOnce();
            dead = sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10)).messages();
        }
        assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("{this is not json"));
        assertThat(handled).containsExactlyInAnyOrder("evt-1", "evt-2", "evt-3");
    }

    @Test
    void on_a_fifo_queue_a_failure_holds_back_its_group_and_stale_events_are_skipped_or_degraded(
            AwsTestEnvironment aws) throws Exception {
        SqsClient sqs = aws.sqs();
        String queue = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("groups") + ".fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
        String old = "2020-01-01T00:00:00.000Z";
        String[][] sends = {{"a", "1", "Fail.Once", null}, {"a", "2", "T", null}, {"b", "1", "T", null},
                {"c", "1", "Old.Skip", old}, {"c", "2", "Old.Degraded", old}};
        for (String[] m : sends) {
            String body = EventItems.toMessageBody(EventRecord.builder().aggregate("wallet", m[0]).version(Long.parseLong(m[1]))
                    .eventId("evt-" + m[0] + m[1]).eventType(m[2]).occurredAt(m[3]).build());
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body).messageGroupId(m[0])
                    .messageDeduplicationId("evt-" + m[0] + m[1]));
        }
        List<String> ran = new CopyOnWriteArrayList<>();
        boolean[] failed = {false};
        EventListener listener = EventListener.builder()
                .on("Fail.Once", e -> {
                    ran.add(e.eventId());
                    if (!failed[0]) {
                        failed[0] = true;
                        throw new IllegalStateException("first time");
                    }
                })
                .on("T", e -> ran.add(e.eventId()))
                .on("Old.Skip", e -> ran.add(e.eventId()))
                .on("Old.Degraded", e -> ran.add(e.eventId() + (e.meta().isStale() ? " stale" : "")))
                .staleness(StalenessPolicy.of(Duration.ofDays(1), OnStale.SKIP))
                .staleness("Old.Degraded", StalenessPolicy.of(Duration.ofDays(1), OnStale.PROCESS_DEGRADED))
                .build();
        QueuePoller poller = new QueuePoller(sqs, queue, listener, 1);
        poller.pollOnce();
        assertThat(ran).containsExactlyInAnyOrder("evt-a1", "evt-b1", "evt-c2 stale");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (ran.size() < 5 && System.nanoTime() < deadline) {
            poller.pollOnce();
        }
        // moto may redeliver a2 before a1 (AWS would not: a FIFO group waits for its in-flight message);
        // what the listener decides is asserted above, the redelivery order is the emulator's.
        assertThat(ran.subList(3, ran.size())).containsExactlyInAnyOrder("evt-a1", "evt-a2");
    }
}
