package dev.eventfold.cli;

import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.facade.Eventfold;
import dev.eventfold.facade.EventfoldConfig;
import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.CommandHandler;
import dev.eventfold.aggregate.CommandRejectedException;
import dev.eventfold.aggregate.CommandResult;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.aggregate.Decider;
import dev.eventfold.aggregate.Decision;
import dev.eventfold.aggregate.InMemorySnapshotStore;
import dev.eventfold.aggregate.SnapshotCodec;
import dev.eventfold.aggregate.SnapshotPolicy;
import dev.eventfold.aggregate.SnapshotStore;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dispatch.BatchMode;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.domain.AggregateId;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.domain.DomainEvents;
import dev.eventfold.domain.Event;
import dev.eventfold.domain.Field;
import dev.eventfold.domain.Option;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.projection.DynamoDbCheckpointStore;
import dev.eventfold.lambda.SqsListenerHandler;
import dev.eventfold.listener.BatchOutcome;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.OnStale;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.listener.StalenessPolicy;
import dev.eventfold.projection.InMemoryCheckpointStore;
import dev.eventfold.projection.ProjectionResult;
import dev.eventfold.projection.Projector;
import dev.eventfold.runtime.EmbeddedRuntime;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;
import dev.eventfold.upcast.Upcasters;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Every Java snippet of README.md as code that compiles against the current API, run on the
 * in-memory store where that is cheap. A snippet's lines are kept as the README has them; what
 * the README leaves undeclared (Funded, Wallet, balances, ...) is defined here.
 */
class ReadmeExamplesTest {

    // ---- what the snippets assume -------------------------------------------------------------

    /** The payload of Wallet.Funded in the event store and listener snippets. */
    public record Funded(String currency, BigDecimal amount) {
    }

    /** The aggregate state of the aggregates snippet; amounts in cents. */
    public record Wallet(long balance) {
        Wallet evolve(EventRecord event) {
            long amount = event.payload().path("amount").asLong();
            return switch (event.eventType()) {
                case "Wallet.Funded" -> new Wallet(balance + amount);
                case "Wallet.Withdrawn" -> new Wallet(balance - amount);
                default -> this;
            };
        }
    }

    public record Withdraw(long amount) {
    }

    /** The read model the listener snippet adds to. */
    static final class Balances {
        private final Map<String, BigDecimal> byWallet = new ConcurrentHashMap<>();

        void add(String walletId, BigDecimal amount) {
            byWallet.merge(walletId, amount, BigDecimal::add);
        }

        BigDecimal of(String walletId) {
            return byWallet.getOrDefault(walletId, BigDecimal.ZERO);
        }

        void clear() {
            byWallet.clear();
        }

        /** The README's wiring from the environment; here the test's one read model. */
        static Balances fromEnvironment() {
            return balances;
        }
    }

    static final Balances balances = new Balances();

    @AfterEach
    void forget_the_global_state() {
        balances.clear();
        Eventfold.reset();
    }

    static NewEvent event(String eventId, String eventType, Object payload) {
        return NewEvent.builder().eventId(eventId).eventType(eventType).source("billing").payload(payload).build();
    }

    // ---- "The event store" ----------------------------------------------------------------------

    @Nested
    class The_event_store {

        /** The snippet from {@code AggregateRef wallet = ...} on, on whichever store it is given. */
        void snippet(EventStore store) {
            NewEvent withdrawn = NewEvent.builder().eventId("evt-w1").eventType("Wallet.Withdrawn")
                    .tenantId("ten_9").payload(Map.of("amount", 12)).build();
            NewEvent feeCharged = event("evt-f1", "Wallet.FeeCharged", Map.of("fee", 1));

            AggregateRef wallet = AggregateRef.of("wallet", "wal_123");
            NewEvent funded = NewEvent.builder()
                    .eventId("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2")
                    .eventType("Wallet.Funded")
                    .source("billing")
                    .payload(new Funded("USD", new BigDecimal("50.00")))  // any Jackson-serialisable value
                    .build();

            AppendResult r = store.appendEvent(wallet, 0, funded);        // {pk, sk, version} = AGG#wallet#wal_123, EVT#000000001, 1
            store.appendEvents(wallet, 1, List.of(withdrawn, feeCharged)); // one transaction: all land or none
            Page<EventRecord> page = store.listEvents(EventQuery.of(wallet).after(0).limit(100));
            Page<EventRecord> next = store.listEvents(EventQuery.of(wallet).limit(100).continueFrom(page.cursor()));
            Funded f = page.data().get(0).payloadAs(Funded.class);
            Page<AggregateRef> accounts = store.listTenantAggregates("ten_9", 50, null);  // through the tenantIndex GSI

            assertThat(r.pk()).isEqualTo("AGG#wallet#wal_123");
            assertThat(r.sk()).isEqualTo("EVT#000000001");
            assertThat(r.version()).isEqualTo(1);
            assertThat(page.data()).extracting(EventRecord::eventType)
                    .containsExactly("Wallet.Funded", "Wallet.Withdrawn", "Wallet.FeeCharged");
            assertThat(page.data()).extracting(EventRecord::version).containsExactly(1L, 2L, 3L);
            assertThat(page.hasMore()).isFalse();
            assertThat(next.data()).hasSize(3);
            assertThat(f.currency()).isEqualTo("USD");
            assertThat(f.amount()).isEqualByComparingTo("50.00");
            assertThat(accounts.data()).containsExactly(wallet);
            // store.findAppend(aggregate, key) finds an earlier append by its key (the eventId when none is given)
            AppendResult found = store.findAppend(wallet, "evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2").orElseThrow();
            assertThat(found.firstVersion()).isEqualTo(1);
            assertThat(found.version()).isEqualTo(1);
        }

        @Test
        void the_snippet_appends_lists_and_reads_back_on_the_in_memory_store() {
            snippet(new InMemoryEventStore());
        }

        @Test
        void a_dynamodb_store_with_only_a_region_is_built_without_any_request() {
            // The README's alternative to a client: the store builds its client on first request.
            try (DynamoDbEventStore store = DynamoDbEventStore.builder().region(Region.EU_WEST_1)
                    .tableName("events").build()) {
                assertThat(store.tableName()).isEqualTo("events");
            }
        }

        /** Compiled, never called: DynamoDbClient.create() needs a region and credentials from the environment. */
        @SuppressWarnings("unused")
        EventStore theSnippetsFirstLines() {
            DynamoDbClient dynamoDb = DynamoDbClient.create();            // or let the store build one lazily:
            EventStore store = DynamoDbEventStore.builder()                // .region(Region.EU_WEST_1)
                    .client(dynamoDb)
                    .tableName("events")
                    .build();
            return store;
        }
    }

    // ---- "Dispatching events" -----------------------------------------------------------------

    @Nested
    class Dispatching_events {

        /** Compiled, never called: after init, the static calls go to DynamoDB in eu-west-1. */
        @SuppressWarnings("unused")
        void theStaticForm() {
            // Like the reference runtime: init once, then static calls ...
            Eventfold.init(EventfoldConfig.builder().tableName("events").region(Region.EU_WEST_1).build());
            Eventfold.dispatchEvent(EventSpec.of("wallet", "wal_123", "Wallet.Funded", Map.of("amount", 5000)));
        }

        @Test
        void init_builds_the_static_dispatcher_without_any_request() {
            Dispatcher d = Eventfold.init(EventfoldConfig.builder().tableName("events").region(Region.EU_WEST_1).build());
            assertThat(Eventfold.isInitialised()).isTrue();
            assertThat(Eventfold.dispatcher()).isSameAs(d);
        }

        @Test
        void an_injected_dispatcher_dispatches_one_event_and_batches_in_every_mode() {
            InMemoryEventStore store = new InMemoryEventStore();
            List<EventSpec> events = List.of(
                    EventSpec.of("wallet", "wal_123", "Wallet.Funded", Map.of("amount", 100)),
                    EventSpec.of("wallet", "wal_123", "Wallet.Withdrawn", Map.of("amount", 30)));

            // ... or no global at all: build instances and inject them.
            try (Dispatcher dispatcher = Dispatcher.builder(store).build()) {
                DispatchResult r = dispatcher.dispatchEvent(EventSpec.builder()
                        .aggregate("wallet", "wal_123").eventType("Wallet.Funded").source("billing")
                        .payload(Map.of("amount", 5000)).build());            // r.pk(), r.sk(), r.version()
                List<DispatchResult> parallel = dispatcher.dispatchEvents(events); // parallel, bounded, results in input order
                List<DispatchResult> inOrder = dispatcher.dispatchEvents(events, true); // one after another
                List<DispatchResult> atomic = dispatcher.dispatchEvents(events, BatchMode.ATOMIC); // one aggregate, one transaction

                assertThat(r.pk()).isEqualTo("AGG#wallet#wal_123");
                assertThat(r.sk()).isEqualTo("EVT#000000001");
                assertThat(r.version()).isEqualTo(1);
                assertThat(r.eventId()).startsWith("evt-");
                assertThat(r.idempotencyKey()).isEqualTo(r.eventId());
                assertThat(parallel).hasSize(2);
                assertThat(store.getEvent(r.aggregate(), parallel.get(0).version()).orElseThrow().eventType())
                        .isEqualTo("Wallet.Funded");   // results in input order
                assertThat(store.getEvent(r.aggregate(), parallel.get(1).version()).orElseThrow().eventType())
                        .isEqualTo("Wallet.Withdrawn");
                assertThat(inOrder).extracting(DispatchResult::version).containsExactly(4L, 5L);
                assertThat(atomic).extracting(DispatchResult::version).containsExactly(6L, 7L);
            }
            List<EventRecord> stored = store.allEvents().toList();
            assertThat(stored).hasSize(7);
            assertThat(stored.get(0).source()).isEqualTo("billing");
            assertThat(stored.get(0).payload()).isEqualTo(EventJson.parse("{\"amount\":5000}"));
            // the parallel batch's Funded and Withdrawn each landed once
            assertThat(stored.subList(1, 3)).extracting(EventRecord::eventType)
                    .containsExactlyInAnyOrder("Wallet.Funded", "Wallet.Withdrawn");
        }
    }

    // ---- "Typed domain dispatchers" -----------------------------------------------------------

    @DomainEvents(aggregateType = "wallet", source = "billing")
    public interface WalletEvents {
        @Event("Wallet.Created")
        DispatchResult created(@AggregateId String walletId, @Field("ownerId") String ownerId, @Field("currency") String currency);

        @Event("Wallet.Funded")
        DispatchResult funded(@AggregateId String walletId, @Field("amount") long amount);

        @Event("Wallet.Withdrawn")
        DispatchResult withdrawn(@AggregateId String walletId, @Field("amount") long amount,
                                 @Field("fee") BigDecimal fee, @Option("idempotencyKey") String requestId);
    }

    @Nested
    class Typed_domain_dispatchers {

        @Test
        void the_wallet_dispatcher_appends_wallet_funded_with_the_amount_on_wallet_wal_123_from_billing() {
            InMemoryEventStore store = new InMemoryEventStore();
            try (Dispatcher dispatcher = Dispatcher.builder(store).build()) {
                WalletEvents wallet = DomainDispatchers.create(WalletEvents.class, dispatcher);
                wallet.funded("wal_123", 5000);       // Wallet.Funded {"amount":5000} on wallet/wal_123, source billing

                BigDecimal fee = new BigDecimal("0.50");
                DispatchResult w = wallet.withdrawn("wal_123", 100, fee, "req-7");
                DispatchResult again = wallet.withdrawn("wal_123", 100, fee, "req-7");   // a client's retry
                assertThat(w.version()).isEqualTo(2);
                assertThat(w.idempotencyKey()).isEqualTo("req-7");
                assertThat(again.alreadyAppended()).isTrue();
                assertThat(again.eventId()).isEqualTo(w.eventId());
                assertThat(again.version()).isEqualTo(2);
            }
            assertThat(store.allEvents()).hasSize(2);
            EventRecord funded = store.allEvents().findFirst().orElseThrow();
            assertThat(funded.eventType()).isEqualTo("Wallet.Funded");
            assertThat(funded.aggregate()).isEqualTo(AggregateRef.of("wallet", "wal_123"));
            assertThat(funded.source()).isEqualTo("billing");
            assertThat(funded.payload()).isEqualTo(EventJson.parse("{\"amount\":5000}"));
            assertThat(store.allEvents().toList().get(1).payload())
                    .isEqualTo(EventJson.parse("{\"amount\":100,\"fee\":0.50}"));
        }
    }

    interface NoAggregateId {
        @Event("Wallet.Funded")
        DispatchResult funded(@Field("amount") long amount);
    }

    @Nested
    class Wrong_declarations {

        @Test
        void a_domain_interface_without_an_aggregate_id_fails_when_the_dispatcher_is_created_naming_the_method() {
            try (Dispatcher dispatcher = Dispatcher.builder(new InMemoryEventStore()).build()) {
                assertThatThrownBy(() -> DomainDispatchers.builder(NoAggregateId.class, dispatcher)
                        .aggregateType("wallet").build())
                        .isInstanceOfSatisfying(dev.eventfold.domain.DomainDefinitionException.class,
                                e -> assertThat(e.method()).contains("funded"));
            }
        }

        @Test
        void an_alias_cycle_is_refused_when_the_listener_is_built() {
            assertThatThrownBy(() -> EventListener.builder()
                    .alias("Wallet.Credited", "Wallet.Funded").alias("Wallet.Funded", "Wallet.Credited").build())
                    .isInstanceOf(dev.eventfold.listener.InvalidRoutingException.class);
        }
    }

    // ---- "On Lambda: listener and stream fan-out" ---------------------------------------------

    public static final class WalletProjector extends SqsListenerHandler {
        public WalletProjector() {                         // what Lambda calls: wired from the environment
            this(Balances.fromEnvironment());
        }

        public WalletProjector(Balances balances) {        // what tests call: any Balances
            super(EventListener.builder()
                    .on("Wallet.Funded", Funded.class, (funded, event) -> balances.add(event.aggregateId(), funded.amount()))
                    .alias("Wallet.Credited", "Wallet.Funded")              // resolved when built; cycles refused
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(10), OnStale.PROCESS_DEGRADED))
                    .staleness("Wallet.Audited", StalenessPolicy.of(Duration.ofHours(1), OnStale.SKIP))
                    .concurrency(10)                                        // message groups at once
                    .build());
        }
    }

    static EventRecord stored(String eventType, long version, int schemaVersion, String payloadJson) {
        return EventRecord.builder().aggregate("wallet", "wal_123").version(version).eventId("evt-" + version)
                .eventType(eventType).source("billing").schemaVersion(schemaVersion)
                .occurredAt(java.time.Instant.now()).payload(EventJson.parse(payloadJson)).build();
    }

    static SQSEvent.SQSMessage sqsMessage(String messageId, EventRecord event) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(messageId);
        m.setBody(EventItems.toMessageBody(event));
        m.setAttributes(Map.of("MessageGroupId", event.aggregateId()));
        return m;
    }

    @Nested
    class On_lambda {

        @Test
        void the_wallet_projector_handles_funded_and_its_alias_and_reports_only_the_bad_record() {
            SQSEvent batch = new SQSEvent();
            SQSEvent.SQSMessage bad = new SQSEvent.SQSMessage();
            bad.setMessageId("m-bad");
            bad.setBody("not json");
            batch.setRecords(List.of(
                    sqsMessage("m-1", stored("Wallet.Funded", 1, 1, "{\"currency\":\"USD\",\"amount\":50.00}")),
                    sqsMessage("m-2", stored("Wallet.Credited", 2, 1, "{\"currency\":\"USD\",\"amount\":2.50}")),
                    sqsMessage("m-3", stored("Wallet.Audited", 3, 1, "{}")),
                    bad));

            SQSBatchResponse response = new WalletProjector().handleRequest(batch, null);
            Balances injected = new Balances();
            new WalletProjector(injected).handleRequest(batch, null);

            assertThat(response.getBatchItemFailures())
                    .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier).containsExactly("m-bad");
            assertThat(balances.of("wal_123")).isEqualByComparingTo("52.50");
            assertThat(injected.of("wal_123")).isEqualByComparingTo("52.50");
        }

        @Test
        void upcasting_the_listener_hands_handlers_the_latest_shape() {
            // Wallet.Funded v1 was {"cents":5000}; v2 is {"currency":"USD","amount":50.00}.
            Upcasters upcasters = Upcasters.builder()
                    .register("Wallet.Funded", 1, payload -> {
                        ObjectNode v2 = EventJson.mapper().createObjectNode();
                        v2.put("currency", "USD");
                        v2.put("amount", BigDecimal.valueOf(payload.path("cents").asLong(), 2));
                        return v2;
                    })
                    .build();
            EventListener listener = EventListener.builder()
                    .on("Wallet.Funded", Funded.class, (funded, event) -> balances.add(event.aggregateId(), funded.amount()))
                    .upcast(upcasters.asFunction())                         // handlers see the latest event shapes
                    .build();

            BatchOutcome outcome = listener.handle(List.of(QueueMessage.standard("m-1",
                    EventItems.toMessageBody(stored("Wallet.Funded", 1, 1, "{\"cents\":5000}")))));

            assertThat(outcome.allSucceeded()).isTrue();
            assertThat(balances.of("wal_123")).isEqualByComparingTo("50.00");
        }

        @Test
        void the_embedded_runtime_runs_the_fan_out_and_the_listener_in_process() {
            InMemoryEventStore store = new InMemoryEventStore();
            EventListener listener = EventListener.builder()
                    .on("Wallet.Funded", Funded.class, (funded, event) -> balances.add(event.aggregateId(), funded.amount()))
                    .build();
            try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue("projections.fifo", listener).build()) {
                store.appendEvent(AggregateRef.of("wallet", "wal_123"), 0,
                        event("evt-1", "Wallet.Funded", new Funded("USD", new BigDecimal("50.00"))));
                runtime.drain();
            }
            assertThat(balances.of("wal_123")).isEqualByComparingTo("50.00");
        }
    }

    // ---- "Aggregates, commands, projections, schema evolution" --------------------------------

    @Nested
    class Aggregates_commands_projections {

        @Test
        void the_command_handler_appends_once_and_the_projector_applies_through_the_listener() {
            InMemoryEventStore store = new InMemoryEventStore();
            SnapshotStore snapshots = new InMemorySnapshotStore();
            String commandId = "cmd-1";
            store.appendEvent(AggregateRef.of("wallet", "wal_1"), 0, event("evt-0", "Wallet.Funded", Map.of("amount", 800)));

            AggregateType<Wallet> wallets = AggregateType.<Wallet>builder("wallet")
                    .initialState(new Wallet(0)).evolve(Wallet::evolve)
                    .snapshots(SnapshotPolicy.everyEvents(100), SnapshotCodec.jackson(Wallet.class, 1))   // optional
                    .build();
            AggregateRepository<Wallet> repo = AggregateRepository.builder(store, wallets).snapshotStore(snapshots).build();

            Decider<Withdraw, Wallet> withdraw = (cmd, w) -> w.balance() < cmd.amount()
                    ? Decision.reject("insufficient_funds", "balance below amount")
                    : Decision.accept(DecidedEvent.of("Wallet.Withdrawn", Map.of("amount", cmd.amount())));
            CommandHandler<Withdraw, Wallet> handler = CommandHandler.builder(repo, withdraw).source("billing").build();
            CommandResult<Wallet> result =
                    handler.handle(wallets.ref("wal_1"), commandId, new Withdraw(500));   // APPENDED, ALREADY_HANDLED, or throws CommandRejectedException

            assertThat(result.outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            assertThat(result.state().state()).isEqualTo(new Wallet(300));
            assertThat(handler.handle(wallets.ref("wal_1"), commandId, new Withdraw(500)).outcome())
                    .isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThatThrownBy(() -> handler.handle(wallets.ref("wal_1"), "cmd-2", new Withdraw(500)))
                    .isInstanceOf(CommandRejectedException.class);
            assertThat(store.currentVersion(wallets.ref("wal_1"))).isEqualTo(2);

            // The projection lines, with the in-memory checkpoint store in place of dynamoCheckpoints.
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            Map<String, Long> readModel = new ConcurrentHashMap<>();
            EventListener.Builder listener = EventListener.builder();
            Projector balances = Projector.builder("balances", store)
                    .transactional(checkpoints, event -> List.of(InMemoryCheckpointStore.write(
                            () -> readModel.merge(event.aggregateId(), event.payload().path("amount").asLong(), Long::sum),
                            () -> readModel.merge(event.aggregateId(), -event.payload().path("amount").asLong(), Long::sum))))
                    .build();
            listener.on("Wallet.Funded", balances::handle);

            EventRecord funded = store.getEvent(wallets.ref("wal_1"), 1).orElseThrow();
            BatchOutcome outcome = listener.build().handle(List.of(
                    QueueMessage.standard("m-1", EventItems.toMessageBody(funded)),
                    QueueMessage.standard("m-2", EventItems.toMessageBody(funded))));   // a duplicate delivery
            assertThat(outcome.allSucceeded()).isTrue();
            assertThat(readModel).containsExactly(Map.entry("wal_1", 800L));
            assertThat(balances.checkpoint(wallets.ref("wal_1"))).isEqualTo(1);
            assertThat(balances.handle(funded).outcome()).isNotEqualTo(ProjectionResult.Outcome.APPLIED);
        }

        /** The projection lines as the README has them; compiled, never called (they need DynamoDB). */
        @SuppressWarnings("unused")
        void theProjectionOnDynamoDb(EventStore store, DynamoDbClient dynamoDb, EventListener.Builder listener) {
            DynamoDbCheckpointStore dynamoCheckpoints = DynamoDbCheckpointStore.builder()
                    .client(dynamoDb).tableName("read-model").build();
            Projector balances = Projector.builder("balances", store)
                    .transactional(dynamoCheckpoints, event -> List.of(balanceUpdate(event)))   // read model + checkpoint in one transaction
                    .build();
            listener.on("Wallet.Funded", balances::handle);
        }

        TransactWriteItem balanceUpdate(EventRecord event) {
            return TransactWriteItem.builder().build();
        }

        @Test
        void upcasters_give_an_upcasting_store_the_latest_shape_without_changing_the_stored_item() {
            InMemoryEventStore store = new InMemoryEventStore();
            AggregateRef wallet = AggregateRef.of("wallet", "wal_1");
            store.appendEvent(wallet, 0, event("evt-0", "Wallet.Funded", Map.of("cents", 5000)));
            Upcasters upcasters = Upcasters.builder()
                    .register("Wallet.Funded", 1, p -> EventJson.parse("{\"amount\":" + p.path("cents").asLong() / 100 + "}"))
                    .build();

            JsonNode read = new dev.eventfold.upcast.UpcastingEventStore(store, upcasters)
                    .getEvent(wallet, 1).orElseThrow().payload();

            assertThat(read).isEqualTo(EventJson.parse("{\"amount\":50}"));
            assertThat(store.getEvent(wallet, 1).orElseThrow().payload()).isEqualTo(EventJson.parse("{\"cents\":5000}"));
        }
    }
}
