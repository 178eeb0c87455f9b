package dev.eventfold.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.context.EventContext;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DomainDispatchersTest {
    static final AggregateRef WAL_123 = AggregateRef.of("wallet", "wal_123");

    final InMemoryEventStore store = new InMemoryEventStore();
    final Dispatcher dispatcher = Dispatcher.of(store);

    @AfterEach
    void close() {
        dispatcher.close();
        EventContext.reset();
    }

    List<EventRecord> events(AggregateRef ref) {
        return store.readEvents(EventQuery.of(ref)).toList();
    }

    @DomainEvents(aggregateType = "account", source = "ledger")
    interface AccountEvents {
        @Event(value = "Account.Opened", creates = true)
        DispatchResult opened(@AggregateId String accountId, @Field("owner") String owner);

        @Event(value = "Account.Opened", creates = true)
        DispatchResult openedAs(@AggregateId String accountId, @Field("owner") String owner,
                                @Option("idempotencyKey") String requestId);

        @Event("Account.Closed")
        DispatchResult closedAs(@AggregateId String accountId, @Option("idempotencyKey") String requestId);
    }

    @Nested
    class CreatingEvents {
        final AccountEvents accounts = DomainDispatchers.create(AccountEvents.class, dispatcher);

        @Test
        void a_creating_event_lands_at_version_one_and_a_second_creation_is_a_conflict_that_writes_nothing() {
            DispatchResult opened = accounts.opened("acc_1", "user-1");

            assertThat(opened.version()).isEqualTo(1);
            assertThatThrownBy(() -> accounts.opened("acc_1", "user-2"))
                    .isInstanceOfSatisfying(dev.eventfold.core.ConcurrencyConflictException.class,
                            e -> assertThat(e.expectedVersion()).isZero());
            assertThat(events(AggregateRef.of("account", "acc_1"))).hasSize(1)
                    .extracting(e -> e.payload().get("owner").asText()).containsExactly("user-1");
        }

        @Test
        void a_creation_retried_with_its_request_id_is_recognised_not_refused() {
            DispatchResult first = accounts.openedAs("acc_2", "user-1", "req-1");
            DispatchResult again = accounts.openedAs("acc_2", "user-1", "req-1");

            assertThat(again.alreadyAppended()).isTrue();
            assertThat(again.eventId()).isEqualTo(first.eventId());
            assertThat(events(AggregateRef.of("account", "acc_2"))).hasSize(1);
        }

        @Test
        void a_request_id_reused_for_another_event_type_is_refused_not_answered_as_a_repeat() {
            accounts.openedAs("acc_3", "user-1", "req-9");

            assertThatThrownBy(() -> accounts.closedAs("acc_3", "req-9"))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.field()).isEqualTo("idempotencyKey"));
            assertThat(events(AggregateRef.of("account", "acc_3"))).extracting(EventRecord::eventType)
                    .containsExactly("Account.Opened");
        }
    }

    @Nested
    class TheWalletExample {
        final WalletEvents wallet = DomainDispatchers.create(WalletEvents.class, dispatcher);

        @Test
        void typed_calls_dispatch_the_declared_events_with_the_bound_options() {
            wallet.created("wal_123", "user-9", "USD");
            DispatchResult funded = wallet.funded("wal_123", 5000);

            List<EventRecord> stored = events(WAL_123);
            assertThat(stored).extracting(EventRecord::eventType).containsExactly("Wallet.Created", "Wallet.Funded");
            assertThat(stored).extracting(EventRecord::source).containsOnly("billing");
            assertThat(stored).extracting(EventRecord::aggregateType).containsOnly("wallet");
            assertThat(stored.get(0).payload().toString()).isEqualTo("{\"ownerId\":\"user-9\",\"currency\":\"USD\"}");
            assertThat(stored.get(1).payload().toString()).isEqualTo("{\"amount\":5000}");
            assertThat(funded.version()).isEqualTo(2);
            assertThat(funded.eventId()).isEqualTo(stored.get(1).eventId()).startsWith("evt-");
        }

        @Test
        void option_parameters_set_dispatch_options_and_exact_decimals_survive() {
            wallet.funded("wal_123", 5000);

            DispatchResult r = wallet.withdrawn("wal_123", 1000, new BigDecimal("2.50"), "req-77");

            EventRecord stored = events(WAL_123).get(1);
            assertThat(r.idempotencyKey()).isEqualTo("req-77");
            assertThat(store.getHead(WAL_123).orElseThrow().lastIdemKey()).isEqualTo("req-77");
            assertThat(stored.payload().get("fee").decimalValue()).isEqualByComparingTo("2.50");
            assertThat(stored.payload().get("amount").asLong()).isEqualTo(1000);
        }

        @Test
        void a_call_repeated_with_the_same_request_id_returns_the_first_result_as_already_appended() {
            wallet.funded("wal_123", 5000);
            DispatchResult first = wallet.withdrawn("wal_123", 1000, new BigDecimal("2.50"), "req-88");
            wallet.funded("wal_123", 1); // the aggregate moves on before the client retries
            DispatchResult again = wallet.withdrawn("wal_123", 1000, new BigDecimal("2.50"), "req-88");

            assertThat(first.alreadyAppended()).isFalse();
            assertThat(again.alreadyAppended()).isTrue();
            assertThat(again.eventId()).isEqualTo(first.eventId());
            assertThat(again.version()).isEqualTo(first.version()).isEqualTo(2);
            assertThat(events(WAL_123)).extracting(EventRecord::eventType)
                    .containsExactly("Wallet.Funded", "Wallet.Withdrawn", "Wallet.Funded");
            // Another request id is another withdrawal.
            DispatchResult other = wallet.withdrawn("wal_123", 1000, new BigDecimal("2.50"), "req-89");
            assertThat(other.alreadyAppended()).isFalse();
            assertThat(other.eventId()).isNotEqualTo(first.eventId());
            assertThat(other.version()).isEqualTo(4);
        }

        @Test
        void a_null_option_argument_leaves_the_default() {
            DispatchResult r = wallet.withdrawn("wal_123", 1, BigDecimal.ZERO, null);

            assertThat(r.idempotencyKey()).isEqualTo(r.eventId());
        }

        @Test
        void a_whole_payload_parameter_and_a_declared_schema_version_are_used() {
            wallet.frozen("wal_123", new WalletEvents.Freeze("fraud check", "risk-bot"));

            EventRecord stored = events(WAL_123).get(0);
            assertThat(stored.schemaVersion()).isEqualTo(2);
            assertThat(stored.payloadAs(WalletEvents.Freeze.class)).isEqualTo(new WalletEvents.Freeze("fraud check", "risk-bot"));
        }

        @Test
        void default_methods_compose_events() {
            DispatchResult r = wallet.open("wal_9", "user-1", 100);

            assertThat(r.version()).isEqualTo(2);
            assertThat(events(AggregateRef.of("wallet", "wal_9"))).extracting(EventRecord::eventType)
                    .containsExactly("Wallet.Created", "Wallet.Funded");
        }

        @Test
        void the_current_context_fills_what_the_call_leaves_empty() {
            EventContext.runWith(EventContext.builder().correlationId("corr-1").actorId("user-9").build(),
                    () -> wallet.funded("wal_123", 10));

            EventRecord stored = events(WAL_123).get(0);
            assertThat(stored.correlationId()).isEqualTo("corr-1");
            assertThat(stored.actorId()).isEqualTo("user-9");
        }

        @Test
        void a_null_aggregate_id_is_refused_before_any_request() {
            assertThatThrownBy(() -> wallet.funded(null, 1)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("funded(String, long)");
            assertThat(store.allEvents()).isEmpty();
        }

        @Test
        void the_proxy_behaves_as_an_object() {
            assertThat(wallet.toString()).isEqualTo("WalletEvents[wallet events]");
            assertThat(wallet).isEqualTo(wallet).isNotEqualTo(DomainDispatchers.create(WalletEvents.class, dispatcher));
            assertThat(wallet.hashCode()).isEqualTo(System.identityHashCode(wallet));
        }
    }

    @Nested
    class BoundOptions {
        @Test
        void the_builder_overrides_the_annotation() {
            WalletEvents wallet = DomainDispatchers.builder(WalletEvents.class, dispatcher)
                    .aggregateType("purse").source("payments").build();

            wallet.funded("p1", 5);

            EventRecord stored = events(AggregateRef.of("purse", "p1")).get(0);
            assertThat(stored.source()).isEqualTo("payments");
        }

        @Test
        void an_enricher_computes_fields_from_the_context() {
            WalletEvents wallet = DomainDispatchers.builder(WalletEvents.class, dispatcher)
                    .enricher((event, context) -> event.toBuilder()
                            .tenantId(context.tenantId() != null ? context.tenantId() : "ten_default")
                            .causationId(context.correlationId() != null ? "cmd:" + context.correlationId() : null)
                            .build())
                    .build();

            EventContext.runWith(EventContext.builder().correlationId("c-7").build(), () -> wallet.funded("wal_123", 1));
            EventContext.runWith(EventContext.builder().tenantId("ten_9").build(), () -> wallet.funded("wal_123", 2));

            List<EventRecord> stored = events(WAL_123);
            assertThat(stored.get(0).tenantId()).isEqualTo("ten_default");
            assertThat(stored.get(0).causationId()).isEqualTo("cmd:c-7");
            assertThat(stored.get(1).tenantId()).isEqualTo("ten_9");
        }

        @Test
        void an_enricher_sees_the_final_event_with_its_id_and_the_append_keeps_the_generated_id_cheap() {
            List<EventSpec> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            WalletEvents wallet = DomainDispatchers.builder(WalletEvents.class, dispatcher)
                    .enricher((event, context) -> {
                        seen.add(event);
                        return event.correlationId() != null ? event
                                : event.toBuilder().correlationId(event.eventId()).build();
                    })
                    .build();

            DispatchResult first = wallet.funded("wal_123", 1);
            EventContext.runWith(EventContext.builder().correlationId("corr-9").source("ignored").build(),
                    () -> wallet.funded("wal_123", 2));

            List<EventRecord> stored = events(WAL_123);
            assertThat(seen.get(0).eventId()).isEqualTo(first.eventId()).startsWith("evt-");
            assertThat(seen.get(0).occurredAt()).isNotNull();
            assertThat(seen.get(0).source()).isEqualTo("billing"); // the interface's source beats the context's
            assertThat(stored.get(0).correlationId()).isEqualTo(stored.get(0).eventId());
            assertThat(stored.get(1).correlationId()).isEqualTo("corr-9");
            assertThat(seen.get(1).correlationId()).isEqualTo("corr-9");
            // The id is still the dispatcher's own: no idempotency record for it (one would answer this,
            // and the head's key is the second event's by now).
            assertThat(store.findAppend(WAL_123, first.eventId())).isEmpty();
        }

        @Test
        void an_explicit_option_beats_the_context() {
            @DomainEvents(aggregateType = "wallet")
            interface Audited {
                @Event("Wallet.Audited")
                DispatchResult audited(@AggregateId String id, @Option("actorId") String actor,
                                       @Option("occurredAt") Instant at, @Option("expectedVersion") Long expected);
            }
            Audited audited = DomainDispatchers.create(Audited.class, dispatcher);

            EventContext.runWith(EventContext.builder().actorId("from-context").build(),
                    () -> audited.audited("wal_123", "auditor", Instant.parse("2026-01-02T03:04:05.006Z"), 0L));

            EventRecord stored = events(WAL_123).get(0);
            assertThat(stored.actorId()).isEqualTo("auditor");
            assertThat(stored.occurredAt()).isEqualTo("2026-01-02T03:04:05.006Z");
            assertThat(stored.payload().toString()).isEqualTo("{}");
        }
    }

    @Nested
    class WrongDeclarations {
        @DomainEvents(aggregateType = "wallet")
        interface NoAggregateId {
            @Event("Wallet.Funded")
            void funded(@Field("amount") long amount);
        }

        @DomainEvents(aggregateType = "wallet")
        interface UnknownOption {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id, @Option("priority") String priority);
        }

        @DomainEvents(aggregateType = "wallet")
        interface MissingEvent {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id);

            void closed(@AggregateId String id);
        }

        @DomainEvents(aggregateType = "wallet")
        interface BadReturn {
            @Event("Wallet.Funded")
            String funded(@AggregateId String id);
        }

        @DomainEvents(aggregateType = "wallet")
        interface UnannotatedParameter {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id, long amount);
        }

        @DomainEvents(aggregateType = "wallet")
        interface PayloadAndField {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id, @Payload Object p, @Field("amount") long amount);
        }

        @DomainEvents(aggregateType = "wallet")
        interface WrongOptionType {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id, @Option("schemaVersion") String v);
        }

        @DomainEvents(aggregateType = "wallet")
        interface TwoIds {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id, @AggregateId String other);
        }

        @DomainEvents(aggregateType = "wallet")
        interface DuplicateField {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id, @Field("amount") long a, @Field("amount") long b);
        }

        @DomainEvents(aggregateType = "wal#let")
        interface AmbiguousType {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id);
        }

        interface NotAnnotated {
            @Event("Wallet.Funded")
            void funded(@AggregateId String id);
        }

        @Test
        void a_missing_aggregate_id_fails_at_creation_naming_the_method() {
            assertThatThrownBy(() -> DomainDispatchers.create(NoAggregateId.class, dispatcher))
                    .isInstanceOfSatisfying(DomainDefinitionException.class, e -> {
                        assertThat(e.method()).isEqualTo("funded(long)");
                        assertThat(e.getMessage()).startsWith("NoAggregateId.funded(long): no @AggregateId parameter");
                    });
        }

        @Test
        void an_unknown_option_fails_at_creation_naming_the_method_and_the_known_options() {
            assertThatThrownBy(() -> DomainDispatchers.create(UnknownOption.class, dispatcher))
                    .isInstanceOf(DomainDefinitionException.class)
                    .hasMessageContaining("UnknownOption.funded(String, String)")
                    .hasMessageContaining("unknown option 'priority'")
                    .hasMessageContaining("actorId");
        }

        @Test
        void every_other_mistake_fails_at_creation_too() {
            assertThatThrownBy(() -> DomainDispatchers.create(MissingEvent.class, dispatcher))
                    .hasMessageContaining("closed(String): an event method needs @Event");
            assertThatThrownBy(() -> DomainDispatchers.create(BadReturn.class, dispatcher))
                    .hasMessageContaining("funded(String): must return DispatchResult or void");
            assertThatThrownBy(() -> DomainDispatchers.create(UnannotatedParameter.class, dispatcher))
                    .hasMessageContaining("parameter 2 (long) needs exactly one of");
            assertThatThrownBy(() -> DomainDispatchers.create(PayloadAndField.class, dispatcher))
                    .hasMessageContaining("@Payload and @Field cannot be combined");
            assertThatThrownBy(() -> DomainDispatchers.create(WrongOptionType.class, dispatcher))
                    .hasMessageContaining("option 'schemaVersion' cannot take a String");
            assertThatThrownBy(() -> DomainDispatchers.create(TwoIds.class, dispatcher))
                    .hasMessageContaining("more than one @AggregateId");
            assertThatThrownBy(() -> DomainDispatchers.create(DuplicateField.class, dispatcher))
                    .hasMessageContaining("payload field 'amount' appears twice");
            assertThatThrownBy(() -> DomainDispatchers.create(AmbiguousType.class, dispatcher))
                    .isInstanceOf(DomainDefinitionException.class).hasMessageContaining("'#' is not allowed");
            assertThatThrownBy(() -> DomainDispatchers.create(NotAnnotated.class, dispatcher))
                    .hasMessageContaining("no aggregate type");
            assertThatThrownBy(() -> DomainDispatchers.create(String.class, dispatcher))
                    .hasMessageContaining("must be an interface");
            assertThat(store.allEvents()).isEmpty();
        }

        @Test
        void a_type_given_on_the_builder_makes_an_unannotated_interface_valid() {
            NotAnnotated d = DomainDispatchers.builder(NotAnnotated.class, dispatcher).aggregateType("wallet").build();

            d.funded("w1");

            assertThat(events(AggregateRef.of("wallet", "w1"))).hasSize(1);
        }
    }
}
