package dev.eventfold.dynamodb.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendTooLargeException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.BatchMode;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.dispatch.RetryPolicy;
import dev.eventfold.domain.AggregateId;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.domain.DomainEvents;
import dev.eventfold.domain.Event;
import dev.eventfold.domain.Field;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.FaultInjector;
import dev.eventfold.testkit.RequestCounter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Dispatch through {@link DynamoDbEventStore} on moto: retries, requests, the typed wallet. */
@ExtendWith(AwsExtension.class)
class DynamoDbDispatchTest {
    static String table;

    final FaultInjector faults = new FaultInjector();
    final RequestCounter requests = new RequestCounter();
    DynamoDbClient ddb;
    DynamoDbEventStore store;
    Dispatcher dispatcher;
    AggregateRef wallet;

    @BeforeAll
    static void createTable(AwsTestEnvironment aws) {
        table = AwsTestEnvironment.uniqueName("dispatch");
        EventTable.create(aws.dynamoDb(), table);
    }

    @BeforeEach
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb(faults, requests);
        store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
        dispatcher = Dispatcher.of(store);
        wallet = AggregateRef.of("wallet", AwsTestEnvironment.uniqueName("wal"));
    }

    @AfterEach
    void tearDown() {
        dispatcher.close();
    }

    EventSpec funded(long amount) {
        return EventSpec.builder().aggregate(wallet).eventType("Wallet.Funded").source("billing")
                .payload(Map.of("amount", amount)).build();
    }

    List<EventRecord> events() {
        return store.readEvents(EventQuery.of(wallet)).toList();
    }

    @Nested
    class Retries {
        @Test
        void a_lost_response_then_retry_writes_the_event_once() {
            faults.next("TransactWriteItems", FaultInjector.Fault.LOSE_RESPONSE);

            DispatchResult r = dispatcher.dispatchEvent(funded(5000));

            assertThat(faults.injected()).isEqualTo(1);
            assertThat(r.alreadyAppended()).isTrue();
            assertThat(r.version()).isEqualTo(1);
            assertThat(events()).singleElement().satisfies(e -> assertThat(e.eventId()).isEqualTo(r.eventId()));
            assertThat(store.getHead(wallet).orElseThrow().currentVersion()).isEqualTo(1);
        }

        @Test
        void a_lost_response_on_a_warm_aggregate_is_recognised_too() {
            dispatcher.dispatchEvent(funded(1));
            dispatcher.dispatchEvent(funded(2));
            faults.next("TransactWriteItems", FaultInjector.Fault.LOSE_RESPONSE);

            DispatchResult r = dispatcher.dispatchEvent(funded(3));
            DispatchResult next = dispatcher.dispatchEvent(funded(4));

            assertThat(r.version()).isEqualTo(3);
            assertThat(r.alreadyAppended()).isTrue();
            assertThat(next.version()).isEqualTo(4);
            assertThat(events()).extracting(EventRecord::version).containsExactly(1L, 2L, 3L, 4L);
            assertThat(events()).extracting(EventRecord::eventId).doesNotHaveDuplicates();
        }

        @Test
        void throttling_and_server_errors_are_retried_and_the_event_lands_once() {
            faults.next("TransactWriteItems", FaultInjector.Fault.THROTTLE)
                    .next("TransactWriteItems", FaultInjector.Fault.SERVER_ERROR);

            DispatchResult r = dispatcher.dispatchEvent(funded(1));

            assertThat(faults.injected()).isEqualTo(2);
            assertThat(r.version()).isEqualTo(1);
            assertThat(events()).hasSize(1);
        }

        @Test
        void a_validation_error_is_one_attempt_with_no_request_and_nothing_written() {
            requests.reset();

            assertThatThrownBy(() -> dispatcher.dispatchEvent(funded(1).toBuilder()
                    .payload(Map.of("blob", "x".repeat(420 * 1024))).build()))
                    .isInstanceOf(AppendTooLargeException.class);

            assertThat(requests.total()).isZero();
            assertThat(events()).isEmpty();
        }

        @Test
        void a_validation_error_on_a_warm_aggregate_sends_nothing_either() {
            dispatcher.dispatchEvent(funded(1));
            requests.reset();

            assertThatThrownBy(() -> dispatcher.dispatchEvent(funded(1).toBuilder()
                    .payload(Map.of("blob", "x".repeat(420 * 1024))).build()))
                    .isInstanceOf(AppendTooLargeException.class);

            assertThat(requests.total()).isZero();
            assertThat(events()).hasSize(1);
        }
    }

    @Nested
    class Requests {
        @Test
        void in_steady_state_a_dispatch_is_one_request() {
            dispatcher.dispatchEvent(funded(0));
            requests.reset();

            for (int i = 1; i <= 10; i++) {
                dispatcher.dispatchEvent(funded(i));
            }

            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 10L));
        }

        @Test
        void a_stale_cache_costs_one_conflict_and_no_head_read() {
            dispatcher.dispatchEvent(funded(0));
            try (Dispatcher other = Dispatcher.of(store)) {
                other.dispatchEvent(funded(1));
            }
            requests.reset();

            DispatchResult r = dispatcher.dispatchEvent(funded(2));

            assertThat(r.version()).isEqualTo(3);
            assertThat(r.attempts()).isEqualTo(2);
            // DynamoDB returns the head with the cancelled transaction (ReturnValuesOnConditionCheckFailure),
            // and the store reads the event at the claimed version to rule out a repeat.
            assertThat(requests.count("TransactWriteItems")).isEqualTo(2);
            assertThat(requests.total()).isLessThanOrEqualTo(4);
        }

        @Test
        void an_atomic_batch_is_one_transaction() {
            dispatcher.dispatchEvent(funded(0));
            requests.reset();

            List<DispatchResult> rs = dispatcher.dispatchEvents(
                    IntStream.range(1, 6).mapToObj(i -> funded(i)).toList(), BatchMode.ATOMIC);

            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 1L));
            assertThat(rs).extracting(DispatchResult::version).containsExactly(2L, 3L, 4L, 5L, 6L);
            assertThat(events()).extracting(e -> e.payload().get("amount").asInt()).containsExactly(0, 1, 2, 3, 4, 5);
        }
    }

    /**
     * The fleet's worst case for generated ids: an append lands, its response is lost, and the
     * resend is cancelled with TransactionConflict (no version reported) while another process
     * appends. The dispatcher must check the version its unanswered attempt claimed before it
     * re-bases: without that, it would write the event again at a later version.
     */
    @Nested
    class UnansweredAttemptsAmongOtherWriters {
        final List<Integer> actionsPerTransaction = new java.util.concurrent.CopyOnWriteArrayList<>();
        DynamoDbEventStore other;
        Dispatcher fleet;

        /** Before the n-th TransactWriteItems of the dispatcher's client (1-based): another process appends. */
        final java.util.concurrent.atomic.AtomicInteger sends = new java.util.concurrent.atomic.AtomicInteger();
        volatile int otherWriterBefore = -1;

        @BeforeEach
        void fleet(AwsTestEnvironment aws) {
            other = DynamoDbEventStore.builder().client(aws.dynamoDb()).tableName(table).build();
            ExecutionInterceptor otherWriter = new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                    if (context.request() instanceof TransactWriteItemsRequest r) {
                        actionsPerTransaction.add(r.transactItems().size());
                        if (sends.incrementAndGet() == otherWriterBefore) {
                            long head = other.currentVersion(wallet);
                            other.appendEvent(wallet, head, dev.eventfold.core.NewEvent.builder()
                                    .eventId("evt-other-" + head).eventType("Wallet.Funded").build());
                        }
                    }
                }
            };
            // The other writer runs first, then the fault: the resend meets the table as the other process left it.
            DynamoDbClient client = aws.dynamoDb(otherWriter, faults, requests);
            fleet = Dispatcher.of(DynamoDbEventStore.builder().client(client).tableName(table).build());
        }

        @AfterEach
        void closeFleet() {
            fleet.close();
        }

        @Test
        void with_generated_ids_the_event_lands_exactly_once_and_each_transaction_holds_two_items() {
            fleet.dispatchEvent(funded(1)); // warm: the next dispatch knows the version
            actionsPerTransaction.clear();
            sends.set(0);
            otherWriterBefore = 2;
            faults.next("TransactWriteItems", FaultInjector.Fault.LOSE_RESPONSE)
                    .next("TransactWriteItems", FaultInjector.Fault.TRANSACTION_CONFLICT);

            DispatchResult r = fleet.dispatchEvent(funded(2));

            assertThat(r.alreadyAppended()).isTrue();
            assertThat(r.version()).isEqualTo(2);
            List<EventRecord> stored = store.readEvents(EventQuery.of(wallet)).toList();
            assertThat(stored).extracting(EventRecord::eventId).containsOnlyOnce(r.eventId());
            assertThat(stored).extracting(EventRecord::version).containsExactly(1L, 2L, 3L);
            assertThat(stored.get(2).eventId()).startsWith("evt-other-");
            // Head + event, as the reference writes them: no idempotency record for ids nobody else can repeat.
            assertThat(actionsPerTransaction).containsOnly(2);
            List<String> records = ddb.query(q -> q.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :idem)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(wallet.pk()),
                            ":idem", AttributeValue.fromS("IDEM#")))).items().stream().map(i -> i.get("sk").s()).toList();
            assertThat(records).containsExactly("IDEM#" + stored.get(2).eventId()); // the other writer's own, by its store's API

        }

        @Test
        void with_a_callers_key_the_event_lands_exactly_once_and_its_record_is_written() {
            fleet.dispatchEvent(funded(1));
            actionsPerTransaction.clear();
            sends.set(0);
            otherWriterBefore = 2;
            faults.next("TransactWriteItems", FaultInjector.Fault.LOSE_RESPONSE)
                    .next("TransactWriteItems", FaultInjector.Fault.TRANSACTION_CONFLICT);
            EventSpec keyed = funded(2).toBuilder().eventId("evt-req-42").idempotencyKey("req-42").build();

            DispatchResult r = fleet.dispatchEvent(keyed);

            assertThat(r.alreadyAppended()).isTrue();
            assertThat(r.version()).isEqualTo(2);
            assertThat(store.readEvents(EventQuery.of(wallet)).toList()).extracting(EventRecord::eventId)
                    .containsOnlyOnce("evt-req-42").hasSize(3);
            assertThat(actionsPerTransaction).containsOnly(3); // head, event, idempotency record
            // The record recognises a client's retry of the request long after, from anywhere.
            DispatchResult retried = fleet.dispatchEvent(keyed);
            assertThat(retried.alreadyAppended()).isTrue();
            assertThat(retried.version()).isEqualTo(2);
        }

        @Test
        void a_creating_dispatch_is_one_request_without_a_head_read() {
            requests.reset();

            DispatchResult r = fleet.dispatchEvent(funded(1).toBuilder().creating().build());

            assertThat(r.version()).isEqualTo(1);
            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 1L));
            assertThat(actionsPerTransaction).containsExactly(2);
        }
    }

    @Nested
    class Concurrency {
        @Test
        void eight_dispatchers_times_25_events_on_one_aggregate_all_land_contiguously_without_duplicates()
                throws Exception {
            int threads = 8;
            int perThread = 25;
            // One dispatcher per thread: eight writers that meet only in DynamoDB, like eight processes.
            RetryPolicy patient = RetryPolicy.custom().maxAttempts(50).build();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<DispatchResult> results = Collections.synchronizedList(new ArrayList<>());
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(() -> {
                        try (Dispatcher own = Dispatcher.builder(store).retryPolicy(patient).build()) {
                            start.await();
                            for (int i = 0; i < perThread; i++) {
                                results.add(own.dispatchEvent(funded(i)));
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }

            int n = threads * perThread;
            List<EventRecord> stored = events();
            assertThat(stored).extracting(EventRecord::version)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
            assertThat(stored).extracting(EventRecord::eventId).doesNotHaveDuplicates();
            assertThat(results).extracting(DispatchResult::eventId)
                    .containsExactlyInAnyOrderElementsOf(stored.stream().map(EventRecord::eventId).toList());
            assertThat(store.getHead(wallet).orElseThrow().currentVersion()).isEqualTo(n);
        }
    }

    @DomainEvents(aggregateType = "wallet", source = "billing")
    interface WalletEvents {
        @Event("Wallet.Created")
        DispatchResult created(@AggregateId String walletId, @Field("ownerId") String ownerId);

        @Event("Wallet.Funded")
        DispatchResult funded(@AggregateId String walletId, @Field("amount") long amount);
    }

    @Nested
    class TypedDispatchers {
        @Test
        void the_wallet_dispatcher_writes_items_as_the_wire_contract_says() {
            WalletEvents events = DomainDispatchers.create(WalletEvents.class, dispatcher);
            String id = wallet.aggregateId();

            events.created(id, "user-9");
            DispatchResult r = events.funded(id, 5000);

            Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(Map.of(
                    "pk", AttributeValue.fromS("AGG#wallet#" + id), "sk", AttributeValue.fromS("EVT#000000002")))).item();
            assertThat(item.get("eventType").s()).isEqualTo("Wallet.Funded");
            assertThat(item.get("source").s()).isEqualTo("billing");
            assertThat(item.get("aggregateType").s()).isEqualTo("wallet");
            assertThat(item.get("version").n()).isEqualTo("2");
            assertThat(item.get("schemaVersion").n()).isEqualTo("1");
            assertThat(item.get("eventId").s()).isEqualTo(r.eventId()).matches("evt-[0-7][0-9A-HJKMNP-TV-Z]{25}");
            assertThat(item.get("payload").m()).isEqualTo(Map.of("amount", AttributeValue.fromN("5000")));
            assertThat(item).doesNotContainKeys("correlationId", "causationId", "actorId", "tenantId");
            Map<String, AttributeValue> head = ddb.getItem(b -> b.tableName(table).key(Map.of(
                    "pk", AttributeValue.fromS("AGG#wallet#" + id), "sk", AttributeValue.fromS("HEAD")))).item();
            assertThat(head.get("currentVersion").n()).isEqualTo("2");
            assertThat(head.get("lastIdemKey").s()).isEqualTo(r.eventId());
        }
    }
}
