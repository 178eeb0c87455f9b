package dev.eventfold.reaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.dispatch.RetryPolicy;
import dev.eventfold.reaction.ReactionOutcome.Reason;
import dev.eventfold.reaction.ReactionOutcome.Status;
import dev.eventfold.projection.InMemoryCheckpointStore;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReactorTest {
    static final AggregateRef ORDER = AggregateRef.of("order", "ord_1");
    static final AggregateRef STOCK = AggregateRef.of("stock", "sku_9");
    static final AggregateRef AUDIT = AggregateRef.of("audit", "day_1");

    final InMemoryEventStore store = new InMemoryEventStore();
    final Dispatcher dispatcher = Dispatcher.builder(store).retryPolicy(RetryPolicy.defaults()).build();

    static EventRecord placed(String eventId, String correlationId) {
        return EventRecord.builder().aggregate(ORDER.aggregateType(), ORDER.aggregateId()).version(1).eventId(eventId)
                .eventType("Order.Placed").source("shop").occurredAt("2026-12-01T10:00:00.000Z")
                .correlationId(correlationId).actorId("user-7").tenantId("ten-1")
                .payload(EventJson.mapper().createObjectNode().put("sku", "sku_9").put("qty", 2)).build();
    }

    static List<EventSpec> reserveAndAudit(EventRecord placed) {
        return List.of(
                EventSpec.of("stock", placed.payload().get("sku").asText(), "Stock.Reserved",
                        Map.of("qty", placed.payload().get("qty").asInt(), "order", placed.aggregateId())),
                EventSpec.of("audit", "day_1", "Audit.OrderSeen", Map.of("order", placed.aggregateId())));
    }

    List<EventRecord> events(AggregateRef ref) {
        return store.readEvents(EventQuery.of(ref)).toList();
    }

    Reactor reactor(ReactionFunction f) {
        return Reactor.builder(dispatcher).on("Order.Placed", "reserve-stock", f).build();
    }

    @Test
    void an_event_delivered_twice_is_reacted_to_once() {
        Reactor reactor = reactor(ReactorTest::reserveAndAudit);
        EventRecord incoming = placed("evt-placed-1", "corr-1");

        List<ReactionOutcome> first = reactor.react(incoming);
        List<ReactionOutcome> second = reactor.react(incoming);

        assertThat(first).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(Status.REACTED);
            assertThat(o.reaction()).isEqualTo("reserve-stock");
            assertThat(o.incomingEventId()).isEqualTo("evt-placed-1");
            assertThat(o.dispatched()).extracting(DispatchResult::alreadyAppended).containsExactly(false, false);
        });
        assertThat(second).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(Status.ALREADY_REACTED);
            assertThat(o.dispatched()).extracting(DispatchResult::alreadyAppended).containsExactly(true, true);
            // The first delivery's versions and ids, not new ones.
            assertThat(o.dispatched()).extracting(DispatchResult::version)
                    .containsExactlyElementsOf(first.get(0).dispatched().stream().map(DispatchResult::version).toList());
        });
        assertThat(events(STOCK)).singleElement().satisfies(e -> {
            assertThat(e.eventId()).isEqualTo(Reactor.eventId("reserve-stock", "evt-placed-1", STOCK, "Stock.Reserved", 0));
            assertThat(e.eventType()).isEqualTo("Stock.Reserved");
            assertThat(e.causationId()).isEqualTo("evt-placed-1");
            assertThat(e.correlationId()).isEqualTo("corr-1");
            assertThat(e.actorId()).isEqualTo("user-7");
            assertThat(e.tenantId()).isEqualTo("ten-1");
            assertThat(e.payload().get("qty").asInt()).isEqualTo(2);
        });
        assertThat(events(AUDIT)).extracting(EventRecord::eventId)
                .containsExactly(Reactor.eventId("reserve-stock", "evt-placed-1", AUDIT, "Audit.OrderSeen", 0));
    }

    @Test
    void a_redelivery_is_recognised_after_other_writers_moved_the_target_on() {
        Reactor reactor = reactor(ReactorTest::reserveAndAudit);
        EventRecord incoming = placed("evt-placed-1", "corr-1");
        reactor.react(incoming);
        dispatcher.dispatchEvent("stock", "sku_9", "Stock.Restocked", Map.of("qty", 10));
        dispatcher.dispatchEvent("stock", "sku_9", "Stock.Restocked", Map.of("qty", 5));

        assertThat(reactor.react(incoming)).singleElement().extracting(ReactionOutcome::status)
                .isEqualTo(Status.ALREADY_REACTED);
        assertThat(events(STOCK)).extracting(EventRecord::eventType)
                .containsExactly("Stock.Reserved", "Stock.Restocked", "Stock.Restocked");
    }

    @Test
    void without_a_correlation_the_incoming_event_is_the_correlation_and_explicit_fields_win() {
        Reactor reactor = reactor(placed -> List.of(EventSpec.builder().aggregate(STOCK).eventType("Stock.Reserved")
                .payload(Map.of("qty", 1)).metadata(EventMetadata.builder().actorId("policy-bot").build()).build()));
        reactor.react(placed("evt-placed-2", null));

        EventRecord e = events(STOCK).get(0);
        assertThat(e.correlationId()).isEqualTo("evt-placed-2");
        assertThat(e.causationId()).isEqualTo("evt-placed-2");
        assertThat(e.actorId()).isEqualTo("policy-bot");
        assertThat(e.tenantId()).isEqualTo("ten-1");
    }

    @Test
    void other_incoming_events_and_other_reactions_get_other_ids() {
        Reactor reactor = Reactor.builder(dispatcher)
                .on("Order.Placed", "reserve-stock", ReactorTest::reserveAndAudit)
                .on("Order.Placed", "reserve-again", ReactorTest::reserveAndAudit)
                .build();
        List<ReactionOutcome> a = reactor.react(placed("evt-placed-1", null));
        List<ReactionOutcome> b = reactor.react(placed("evt-placed-2", null));

        assertThat(a).extracting(ReactionOutcome::status).containsExactly(Status.REACTED, Status.REACTED);
        assertThat(b).extracting(ReactionOutcome::status).containsExactly(Status.REACTED, Status.REACTED);
        assertThat(events(STOCK)).hasSize(4).extracting(EventRecord::eventId).doesNotHaveDuplicates();
    }

    @Test
    void an_invalid_later_event_fails_the_reaction_before_anything_is_written() {
        String tooBig = "x".repeat(420 * 1024);
        Reactor reactor = reactor(placed -> List.of(
                EventSpec.of("stock", "sku_9", "Stock.Reserved", Map.of("qty", 2)),
                EventSpec.of("audit", "day_1", "Audit.OrderSeen", Map.of("blob", tooBig))));

        ReactionOutcome o = reactor.react(placed("evt-placed-1", null)).get(0);

        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.failure().orElseThrow().reason()).isEqualTo(Reason.INVALID_OUTPUT);
        assertThat(o.failure().orElseThrow().detail()).contains("exceeds the limit").doesNotContain("xxxx");
        assertThat(o.dispatched()).isEmpty();
        assertThat(events(STOCK)).isEmpty();
        assertThat(events(AUDIT)).isEmpty();
    }

    @Test
    void an_event_with_its_own_id_or_key_is_refused_and_nothing_is_written() {
        Reactor withId = reactor(placed -> List.of(EventSpec.of("stock", "sku_9", "Stock.Reserved", Map.of())
                .withEventId("evt-mine")));
        Reactor withKey = Reactor.builder(dispatcher).on("Order.Placed", "keyed", placed -> List.of(
                EventSpec.builder().aggregate(STOCK).eventType("Stock.Reserved").idempotencyKey("k-1").build())).build();

        for (Reactor r : List.of(withId, withKey)) {
            ReactionOutcome o = r.react(placed("evt-placed-1", null)).get(0);
            assertThat(o.failure().orElseThrow().reason()).isEqualTo(Reason.INVALID_OUTPUT);
            assertThat(o.failure().orElseThrow().detail()).contains("derived ids");
        }
        assertThat(events(STOCK)).isEmpty();
    }

    @Test
    void a_throwing_reaction_fails_and_an_empty_one_is_skipped() {
        Reactor reactor = Reactor.builder(dispatcher)
                .on("Order.Placed", "broken", placed -> {
                    throw new IllegalStateException("no stock service");
                })
                .on("Order.Placed", "nothing", placed -> List.of())
                .on("Order.Placed", "reserve-stock", ReactorTest::reserveAndAudit)
                .build();

        List<ReactionOutcome> out = reactor.react(placed("evt-placed-1", null));

        assertThat(out).extracting(ReactionOutcome::status).containsExactly(Status.FAILED, Status.SKIPPED, Status.REACTED);
        assertThat(out.get(0).failure().orElseThrow())
                .isEqualTo(new ReactionOutcome.Failure(Reason.REACTION_FAILED, IllegalStateException.class.getName()));
        assertThat(events(STOCK)).hasSize(1);
        assertThat(reactor.react(placed("evt-placed-1", null)).get(2).status()).isEqualTo(Status.ALREADY_REACTED);
        assertThat(events(STOCK)).hasSize(1);
    }

    @Test
    void a_failed_dispatch_keeps_what_landed_and_a_redelivery_appends_only_the_rest() {
        AtomicInteger deliveries = new AtomicInteger();
        Reactor reactor = reactor(placed -> {
            // The first delivery expects the audit stream at a version it is not at: that dispatch fails.
            EventSpec.Builder audit = EventSpec.builder().aggregate(AUDIT).eventType("Audit.OrderSeen").payload(Map.of());
            if (deliveries.getAndIncrement() == 0) {
                audit.expectedVersion(7);
            }
            return List.of(EventSpec.of("stock", "sku_9", "Stock.Reserved", Map.of("qty", 2)), audit.build());
        });
        EventRecord incoming = placed("evt-placed-1", null);

        ReactionOutcome failed = reactor.react(incoming).get(0);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.failure().orElseThrow().reason()).isEqualTo(Reason.DISPATCH_FAILED);
        assertThat(failed.failure().orElseThrow().detail()).contains("ConcurrencyConflictException");
        assertThat(failed.dispatched()).extracting(r -> r.aggregate()).containsExactly(STOCK);
        assertThat(events(AUDIT)).isEmpty();

        ReactionOutcome again = reactor.react(incoming).get(0);
        assertThat(again.status()).isEqualTo(Status.REACTED);
        assertThat(again.dispatched()).extracting(DispatchResult::alreadyAppended).containsExactly(true, false);
        assertThat(events(STOCK)).hasSize(1);
        assertThat(events(AUDIT)).extracting(EventRecord::eventId)
                .containsExactly(Reactor.eventId("reserve-stock", "evt-placed-1", AUDIT, "Audit.OrderSeen", 0));
    }

    @Test
    void an_event_type_without_reactions_gets_no_outcomes() {
        Reactor reactor = reactor(ReactorTest::reserveAndAudit);
        EventRecord other = EventRecord.builder().aggregate("order", "ord_1").version(2).eventId("evt-x")
                .eventType("Order.Cancelled").occurredAt("2026-12-01T10:00:00.000Z").build();
        assertThat(reactor.react(other)).isEmpty();
        assertThat(reactor.eventTypes()).containsExactly("Order.Placed");
    }

    @Test
    void names_are_checked_when_the_reactor_is_built() {
        assertThatThrownBy(() -> Reactor.builder(dispatcher)
                .on("Order.Placed", "r", p -> List.of()).on("Order.Shipped", "r", p -> List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already added");
        assertThatThrownBy(() -> Reaction.on("Order.Placed", "two\nlines", p -> List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("line break");
        assertThatThrownBy(() -> Reaction.on(" ", "r", p -> List.of())).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void derived_ids_depend_on_reaction_incoming_event_target_type_and_ordinal() {
        String id = Reactor.eventId("reserve-stock", "evt-1", STOCK, "Stock.Reserved", 0);
        assertThat(id).startsWith("evt-").hasSize(30)
                .isEqualTo(Reactor.eventId("reserve-stock", "evt-1", STOCK, "Stock.Reserved", 0));
        assertThat(List.of(Reactor.eventId("other", "evt-1", STOCK, "Stock.Reserved", 0),
                Reactor.eventId("reserve-stock", "evt-2", STOCK, "Stock.Reserved", 0),
                Reactor.eventId("reserve-stock", "evt-1", AUDIT, "Stock.Reserved", 0),
                Reactor.eventId("reserve-stock", "evt-1", STOCK, "Stock.Released", 0),
                Reactor.eventId("reserve-stock", "evt-1", STOCK, "Stock.Reserved", 1)))
                .doesNotContain(id).doesNotHaveDuplicates();
    }

    @Test
    void a_dispatching_reaction_gets_the_ids_a_returned_list_would_get() {
        Reactor returning = reactor(ReactorTest::reserveAndAudit);
        InMemoryEventStore otherStore = new InMemoryEventStore();
        Dispatcher other = Dispatcher.of(otherStore);
        Reactor dispatching = Reactor.builder(other).reaction(Reaction.dispatching("Order.Placed", "reserve-stock",
                placed -> {
                    // the reverse order: ids count per target and type, so they do not change
                    List<EventSpec> specs = reserveAndAudit(placed);
                    other.dispatchEvent(specs.get(1));
                    other.dispatchEvent(specs.get(0));
                })).build();
        EventRecord incoming = placed("evt-placed-1", "corr-1");

        returning.react(incoming);
        ReactionOutcome first = dispatching.react(incoming).get(0);
        ReactionOutcome second = dispatching.react(incoming).get(0);

        assertThat(first.status()).isEqualTo(Status.REACTED);
        assertThat(first.dispatched()).extracting(DispatchResult::aggregate).containsExactly(AUDIT, STOCK);
        assertThat(second.status()).isEqualTo(Status.ALREADY_REACTED);
        assertThat(second.dispatched()).extracting(DispatchResult::alreadyAppended).containsExactly(true, true);
        for (AggregateRef target : List.of(STOCK, AUDIT)) {
            List<EventRecord> mine = otherStore.readEvents(EventQuery.of(target)).toList();
            assertThat(mine).extracting(EventRecord::eventId).containsExactlyElementsOf(
                    events(target).stream().map(EventRecord::eventId).toList());
            assertThat(mine).singleElement().satisfies(e -> {
                assertThat(e.causationId()).isEqualTo("evt-placed-1");
                assertThat(e.correlationId()).isEqualTo("corr-1");
                assertThat(e.tenantId()).isEqualTo("ten-1");
            });
        }
    }

    @Test
    void a_dispatching_reaction_that_throws_after_a_dispatch_is_failed_and_resumed() {
        AtomicInteger calls = new AtomicInteger();
        Reactor reactor = Reactor.builder(dispatcher).reaction(Reaction.dispatching("Order.Placed", "reserve-stock",
                placed -> {
                    List<EventSpec> specs = reserveAndAudit(placed);
                    dispatcher.dispatchEvent(specs.get(0));
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("crashed after the first dispatch");
                    }
                    dispatcher.dispatchEvent(specs.get(1));
                })).build();
        EventRecord incoming = placed("evt-placed-1", "corr-1");

        ReactionOutcome failed = reactor.react(incoming).get(0);
        ReactionOutcome again = reactor.react(incoming).get(0);

        assertThat(failed.failure().orElseThrow().reason()).isEqualTo(Reason.REACTION_FAILED);
        assertThat(failed.dispatched()).extracting(DispatchResult::aggregate).containsExactly(STOCK);
        assertThat(again.status()).isEqualTo(Status.REACTED);
        assertThat(again.dispatched()).extracting(DispatchResult::alreadyAppended).containsExactly(true, false);
        assertThat(events(STOCK)).hasSize(1);
        assertThat(events(AUDIT)).hasSize(1);
    }

    @Test
    void a_dispatch_the_store_refuses_inside_a_dispatching_reaction_is_invalid_output() {
        Reactor reactor = Reactor.builder(dispatcher).reaction(Reaction.dispatching("Order.Placed", "r",
                placed -> dispatcher.dispatchEvent(EventSpec.builder().aggregate(STOCK).eventType("Stock.Reserved")
                        .payload(Map.of("blob", "x".repeat(500_000))).build()))).build();

        ReactionOutcome o = reactor.react(placed("evt-placed-1", null)).get(0);

        assertThat(o.failure().orElseThrow().reason()).isEqualTo(Reason.INVALID_OUTPUT);
        assertThat(events(STOCK)).isEmpty();
    }

    @Test
    void in_order_a_late_event_makes_the_missing_ones_react_first_and_an_early_one_again_is_passed_over() {
        Reactor reactor = Reactor.builder(dispatcher).inOrder(new InMemoryCheckpointStore())
                .on("Order.Placed", "reserve-stock", placed -> List.of(EventSpec.of("stock", "sku_9", "Stock.Reserved",
                        Map.of("order", placed.eventId())))).build();
        for (String type : List.of("Order.Placed", "Order.Noted", "Order.Placed")) {
            dispatcher.dispatchEvent(EventSpec.of(ORDER.aggregateType(), ORDER.aggregateId(), type, Map.of()));
        }
        List<EventRecord> order = events(ORDER);

        ReactionOutcome late = reactor.react(order.get(2)).get(0);
        ReactionOutcome early = reactor.react(order.get(0)).get(0);
        ReactionOutcome lateAgain = reactor.react(order.get(2)).get(0);

        assertThat(late.status()).isEqualTo(Status.REACTED);
        assertThat(late.incomingEventId()).isEqualTo(order.get(2).eventId());
        assertThat(events(STOCK)).extracting(e -> e.payload().get("order").asText())
                .containsExactly(order.get(0).eventId(), order.get(2).eventId());
        assertThat(events(STOCK)).extracting(EventRecord::causationId)
                .containsExactly(order.get(0).eventId(), order.get(2).eventId());
        assertThat(early.status()).isEqualTo(Status.ALREADY_REACTED);
        assertThat(early.dispatched()).isEmpty();
        assertThat(lateAgain.status()).isEqualTo(Status.ALREADY_REACTED);
        assertThat(events(STOCK)).hasSize(2);
    }

    @Test
    void in_order_an_event_whose_predecessor_is_not_in_the_store_fails_and_writes_nothing() {
        Reactor reactor = Reactor.builder(dispatcher).inOrder(new InMemoryCheckpointStore())
                .on("Order.Placed", "reserve-stock", placed -> List.of(EventSpec.of("stock", "sku_9", "Stock.Reserved",
                        Map.of()))).build();
        EventRecord fromNowhere = EventRecord.builder().aggregate(ORDER.aggregateType(), ORDER.aggregateId()).version(3)
                .eventId("evt-3").eventType("Order.Placed").occurredAt("2026-12-01T10:00:00.000Z").build();

        ReactionOutcome o = reactor.react(fromNowhere).get(0);

        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.failure().orElseThrow().reason()).isEqualTo(Reason.NOT_IN_ORDER);
        assertThat(events(STOCK)).isEmpty();
    }
}
