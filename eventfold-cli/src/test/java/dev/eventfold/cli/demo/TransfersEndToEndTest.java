package dev.eventfold.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.aws.SqsQueuePublisher;
import dev.eventfold.aws.StreamPoller;
import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.listener.BatchOutcome;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.listener.RecordResult;
import dev.eventfold.process.InMemoryDeadlines;
import dev.eventfold.process.ProcessManager;
import dev.eventfold.process.ProcessOutcome;
import dev.eventfold.reaction.ReactionOutcome;
import dev.eventfold.reaction.Reactor;
import dev.eventfold.runtime.EmbeddedRuntime;
import dev.eventfold.runtime.InMemoryQueue;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.FaultInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Transfers end to end, stream -> fan-out -> queue -> listener -> process manager -> store ->
 * stream, with duplicates made for real: redeliveries of records whose step had landed (the handler
 * crashes after it), whole batches made visible again (a Lambda invocation retried whole) and, on
 * SQS, sends whose response was lost after SQS accepted them (the fan-out sends them again). Every
 * transfer must end completed or compensated, each step, each wallet event and each completed
 * transfer's receipt (a reaction) exactly once, the money conserved.
 */
class TransfersEndToEndTest {
    static final int WALLETS = 6;
    static final long FUNDS = 10_000;
    static final int TRANSFERS = 20;
    static final String FROZEN = "w5";

    /** One delivered batch: handled, then acknowledged or (chaos) made visible again. */
    interface Queue {
        /** Receives up to 10 messages, hands them to {@code handle}, settles them; false when none came. */
        boolean pumpOnce(java.util.function.Function<List<QueueMessage>, BatchOutcome> handle, boolean redeliverAll);
    }

    /** What the runs counted: deliveries by status, crashes injected, whole batches redelivered. */
    static final class Chaos {
        final Random random = new Random(7);
        final Map<RecordResult.Status, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final AtomicInteger crashes = new AtomicInteger();
        final AtomicInteger batchesRedelivered = new AtomicInteger();
        final List<ProcessOutcome> failures = new ArrayList<>();

        int count(RecordResult.Status s) {
            return statuses.getOrDefault(s, new AtomicInteger()).get();
        }
    }

    /** A reaction beside the process: a receipt for each completed transfer, to the payer's inbox. */
    static Reactor receipts(EventStore store) {
        return Reactor.builder(Dispatcher.of(store))
                .on("Transfer.Completed", "send-receipt", completed -> List.of(EventSpec.of("inbox", "receipts",
                        "Receipt.Sent", Map.of("transferId", completed.aggregateId()))))
                .build();
    }

    /**
     * A listener whose handlers crash after a fifth of the process's successful steps and of the
     * receipts' successful reactions: the record fails after its effects landed and comes back.
     */
    static EventListener crashingListener(ProcessManager<Transfers.Transfer> pm, Reactor receipts, Chaos chaos) {
        EventListener.Builder b = EventListener.builder().concurrency(1);
        b.on("Transfer.Completed", e -> {
            for (ReactionOutcome o : receipts.react(e)) {
                if (o.isFailure()) {
                    throw new IllegalStateException("reaction failed: " + o.failure().orElseThrow());
                }
                chaos.statuses.computeIfAbsent(o.status() == ReactionOutcome.Status.ALREADY_REACTED
                        ? RecordResult.Status.ALREADY_REACTED : RecordResult.Status.REACTED, k -> new AtomicInteger())
                        .incrementAndGet();
            }
            if (chaos.random.nextInt(5) == 0) {
                chaos.crashes.incrementAndGet();
                throw new IllegalStateException("crashed after its reaction landed (injected)");
            }
        });
        for (String type : pm.eventTypes()) {
            b.on(type, e -> {
                ProcessOutcome o = pm.handle(e);
                if (o.isFailure()) {
                    synchronized (chaos.failures) {
                        chaos.failures.add(o);
                    }
                    throw new IllegalStateException("process failed: " + o.failure().orElseThrow());
                }
                chaos.statuses.computeIfAbsent(statusOf(o), k -> new AtomicInteger()).incrementAndGet();
                if (chaos.random.nextInt(5) == 0) {
                    chaos.crashes.incrementAndGet();
                    throw new IllegalStateException("crashed after its step landed (injected)");
                }
            });
        }
        return b.build();
    }

    static RecordResult.Status statusOf(ProcessOutcome o) {
        return switch (o.status()) {
            case STEPPED, RESUMED -> RecordResult.Status.REACTED;
            case ALREADY_STEPPED -> RecordResult.Status.ALREADY_REACTED;
            default -> RecordResult.Status.NO_REACTION;
        };
    }

    /** Funds the wallets, freezes one, requests the transfers; pumps until every transfer ended; checks it all. */
    static void transfersEndCompletedOrCompensated(EventStore store, Runnable fanOut, Queue queue, Chaos chaos,
                                                   Duration limit) {
        ProcessManager<Transfers.Transfer> pm = Transfers.processManager(store, new InMemoryDeadlines());
        EventListener listener = crashingListener(pm, receipts(store), chaos);
        Map<String, String[]> plan = new HashMap<>();
        try (Dispatcher dispatcher = Dispatcher.of(store)) {
            WalletEvents wallets = DomainDispatchers.create(WalletEvents.class, dispatcher);
            for (int w = 0; w < WALLETS; w++) {
                wallets.funded("w" + w, FUNDS);
            }
            wallets.frozen(FROZEN);
            Transfers.Requests requests = DomainDispatchers.create(Transfers.Requests.class, dispatcher);
            for (int i = 0; i < TRANSFERS; i++) {
                String from = "w" + (i % 5);
                String to = "w" + ((i % 5 + 1 + i / 5) % WALLETS);
                if (to.equals(from)) {
                    to = FROZEN;
                }
                plan.put("t" + i, new String[] {from, to});
                requests.requested("t" + i, from, to, 100 + 10L * i);
            }
        }
        long deadline = System.nanoTime() + limit.toNanos();
        BooleanSupplier allEnded = () -> plan.keySet().stream().allMatch(t -> state(store, t).ended());
        while (!allEnded.getAsBoolean()) {
            assertThat(System.nanoTime()).as("transfers still running after %s", limit).isLessThan(deadline);
            fanOut.run();
            boolean wholeBatch = chaos.random.nextInt(6) == 0;
            if (queue.pumpOnce(listener::handle, wholeBatch) && wholeBatch) {
                chaos.batchesRedelivered.incrementAndGet();
            }
        }
        // Drain what is left (the last receipts, late duplicates): they must all be recognised.
        long completing = plan.values().stream().filter(p -> !p[1].equals(FROZEN)).count();
        for (int idle = 0; idle < 3 || receiptsSent(store) < completing; ) {
            assertThat(System.nanoTime()).as("receipts still missing after %s", limit).isLessThan(deadline);
            fanOut.run();
            idle = queue.pumpOnce(listener::handle, false) ? 0 : idle + 1;
        }
        listener.close();

        assertThat(chaos.failures).isEmpty();
        long total = 0;
        for (int w = 0; w < WALLETS; w++) {
            List<EventRecord> events = store.readEvents(EventQuery.of(Wallet.TYPE.ref("w" + w))).toList();
            Map<String, Integer> perTransfer = new HashMap<>();
            long balance = 0;
            for (EventRecord e : events) {
                balance += Wallet.signedAmount(e);
                String t = Transfers.transferId(e);
                if (t != null) {
                    assertThat(perTransfer.merge(t + " " + e.eventType(), 1, Integer::sum)).as("%s once", e).isEqualTo(1);
                }
            }
            total += balance;
        }
        assertThat(total).as("money conserved").isEqualTo(WALLETS * FUNDS);
        for (Map.Entry<String, String[]> t : plan.entrySet()) {
            List<String> steps = store.readEvents(EventQuery.of(Transfers.TYPE.ref(t.getKey())))
                    .map(EventRecord::eventType).toList();
            if (t.getValue()[1].equals(FROZEN)) {
                assertThat(steps).as(t.getKey()).containsExactly("Transfer.Requested", "Transfer.Debiting",
                        "Transfer.Crediting", "Transfer.Refunding", "Transfer.Compensated");
            } else {
                assertThat(steps).as(t.getKey()).containsExactly("Transfer.Requested", "Transfer.Debiting",
                        "Transfer.Crediting", "Transfer.Completed");
            }
        }
        // Every completed transfer's receipt, once.
        List<String> receipts = store.readEvents(EventQuery.of(dev.eventfold.core.AggregateRef.of("inbox", "receipts")))
                .map(e -> e.payload().path("transferId").asText()).sorted().toList();
        assertThat(receipts).containsExactlyElementsOf(plan.entrySet().stream()
                .filter(t -> !t.getValue()[1].equals(FROZEN)).map(Map.Entry::getKey).sorted().toList());
        // The duplicates were real: redelivered records found their steps already taken.
        assertThat(chaos.crashes.get()).isPositive();
        assertThat(chaos.batchesRedelivered.get()).isPositive();
        assertThat(chaos.count(RecordResult.Status.ALREADY_REACTED)).isPositive();
    }

    static long receiptsSent(EventStore store) {
        return store.readEvents(EventQuery.of(dev.eventfold.core.AggregateRef.of("inbox", "receipts"))).count();
    }

    static Transfers.Transfer state(EventStore store, String transferId) {
        Transfers.Transfer t = Transfers.TYPE.initialState();
        for (EventRecord e : store.readEvents(EventQuery.of(Transfers.TYPE.ref(transferId))).toList()) {
            t = Transfers.TYPE.evolver().evolve(t, e);
        }
        return t;
    }

    @Test
    void on_the_embedded_runtime() {
        InMemoryEventStore store = new InMemoryEventStore();
        Chaos chaos = new Chaos();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue("processes").build()) {
            InMemoryQueue q = runtime.queue("processes");
            Queue queue = (handle, redeliverAll) -> {
                List<QueueMessage> batch = q.receive(10);
                if (batch.isEmpty()) {
                    return false;
                }
                BatchOutcome outcome = handle.apply(batch);
                for (RecordResult r : outcome.results()) {
                    if (redeliverAll || r.isFailure()) {
                        q.release(r.messageId());
                    } else {
                        q.acknowledge(r.messageId());
                    }
                }
                return true;
            };
            transfersEndCompletedOrCompensated(store, runtime::step, queue, chaos, Duration.ofSeconds(30));
            assertThat(q.deadLetters()).isEmpty();
        }
    }

    @Nested
    @ExtendWith(AwsExtension.class)
    class OnDynamoDbStreamsAndSqs {
        @Test
        void with_lost_send_responses_crashes_and_whole_batches_redelivered(AwsTestEnvironment aws) {
            String table = AwsTestEnvironment.uniqueName("transfers");
            EventTable.create(aws.dynamoDb(), table);
            String streamArn = EventTable.latestStreamArn(aws.dynamoDb(), table);
            SqsClient sqs = aws.sqs();
            String url = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("processes"))).queueUrl();
            // The fan-out's sends: SQS takes the messages, the answer is lost, the fan-out sends them again.
            FaultInjector faults = new FaultInjector().next("SendMessageBatch", FaultInjector.Fault.LOSE_RESPONSE, 6);
            Chaos chaos = new Chaos();
            EventStore store = DynamoDbEventStore.builder().client(aws.dynamoDb()).tableName(table).build();
            try (StreamFanOut fanOut = StreamFanOut.builder().queues(List.of(url))
                    .queuePublisher(new SqsQueuePublisher(aws.sqs(faults))).backoff(Duration.ofMillis(5), Duration.ofMillis(50))
                    .build()) {
                StreamPoller stream = new StreamPoller(aws.dynamoDbStreams(), streamArn, fanOut,
                        ShardIteratorType.TRIM_HORIZON, 100).open();
                Map<String, String> receipts = new ConcurrentHashMap<>();
                Queue queue = (handle, redeliverAll) -> {
                    List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                            .waitTimeSeconds(0)).messages();
                    if (received.isEmpty()) {
                        return false;
                    }
                    received.forEach(m -> receipts.put(m.messageId(), m.receiptHandle()));
                    BatchOutcome outcome = handle.apply(received.stream()
                            .map(m -> QueueMessage.standard(m.messageId(), m.body())).toList());
                    for (RecordResult r : outcome.results()) {
                        String receipt = receipts.remove(r.messageId());
                        if (redeliverAll || r.isFailure()) {
                            // Visible again at once, as after a crashed invocation's timeout, without the wait.
                            sqs.changeMessageVisibility(v -> v.queueUrl(url).receiptHandle(receipt).visibilityTimeout(0));
                        } else {
                            sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(receipt));
                        }
                    }
                    return true;
                };
                transfersEndCompletedOrCompensated(store, stream::pollOnce, queue, chaos, Duration.ofSeconds(120));
            }
            assertThat(faults.injected()).isEqualTo(6);
        }
    }
}
