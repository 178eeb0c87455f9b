package dev.eventfold.listener;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.core.InvalidInputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.listener.RecordResult.Reason;
import dev.eventfold.listener.RecordResult.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventListenerTest {
    static final Instant NOW = Instant.parse("2026-11-27T16:10:00.000Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static String body(String eventType, String eventId, String aggregateId, long version, String occurredAt) {
        ObjectNode o = EventItems.toItemJson(EventRecord.builder().aggregate("wallet", aggregateId).version(version)
                .eventId(eventId).eventType(eventType).source("billing").occurredAt(occurredAt)
                .correlationId("corr-" + eventId).actorId("user-1").tenantId("ten-1")
                .payload(EventJson.mapper().createObjectNode().put("amount", 10)).build());
        return EventJson.write(o);
    }

    static String body(String eventType, String eventId) {
        return body(eventType, eventId, "wal_1", 1, "2026-11-27T16:09:59.000Z");
    }

    static EventListener.Builder listener() {
        return EventListener.builder().clock(CLOCK);
    }

    @Nested
    class Routing {
        @Test
        void a_record_runs_the_handler_of_its_event_type() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Funded", e -> seen.add(e.eventId())).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1"))));
            assertThat(seen).containsExactly("evt-1");
            assertThat(out.results()).extracting(RecordResult::status).containsExactly(Status.HANDLED);
            assertThat(out.failedMessageIds()).isEmpty();
        }

        @Test
        void a_type_without_handler_is_acknowledged() {
            EventListener l = listener().on("Wallet.Funded", e -> { }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Closed", "evt-1"))));
            assertThat(out.results()).extracting(RecordResult::status).containsExactly(Status.UNROUTED);
            assertThat(out.allSucceeded()).isTrue();
        }

        @Test
        void aliases_are_followed_transitively() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Funded", e -> seen.add(e.eventType()))
                    .alias("Wallet.Credited", "Wallet.Deposited")
                    .alias("Wallet.Deposited", "Wallet.Funded").build();
            l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Credited", "evt-1"))));
            assertThat(seen).containsExactly("Wallet.Credited");
            assertThat(l.handledTypes()).containsExactlyInAnyOrder("Wallet.Funded", "Wallet.Credited", "Wallet.Deposited");
        }

        @Test
        void an_alias_cycle_is_refused_when_built() {
            EventListener.Builder b = listener().on("X", e -> { }).alias("A", "B").alias("B", "A");
            assertThatThrownBy(b::build).isInstanceOf(InvalidRoutingException.class).hasMessageContaining("cycle");
        }

        @Test
        void an_alias_to_nothing_is_refused_when_built() {
            EventListener.Builder b = listener().alias("A", "B").alias("B", "C");
            assertThatThrownBy(b::build).isInstanceOf(InvalidRoutingException.class)
                    .hasMessageContaining("no handler")
                    .satisfies(e -> assertThat(((InvalidRoutingException) e).eventType()).isEqualTo("A"));
        }

        @Test
        void a_type_registered_twice_is_refused() {
            assertThatThrownBy(listener().on("A", e -> { }).on("A", e -> { })::build)
                    .isInstanceOf(InvalidRoutingException.class);
            assertThatThrownBy(listener().on("A", e -> { }).alias("A", "A")::build)
                    .isInstanceOf(InvalidRoutingException.class);
        }

        @Test
        void typed_handlers_get_the_bound_payload() {
            record Funded(java.math.BigDecimal amount) { }
            List<Funded> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Funded", Funded.class, (p, e) -> seen.add(p)).build();
            l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1"))));
            assertThat(seen).extracting(f -> f.amount().intValue()).containsExactly(10);
        }

        @Test
        void a_payload_that_does_not_bind_fails_its_record() {
            record Funded(java.util.List<String> amount) { }
            EventListener l = listener().on("Wallet.Funded", Funded.class, (p, e) -> { }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1"))));
            assertThat(out.failures()).singleElement()
                    .satisfies(r -> assertThat(r.failure().get().reason()).isEqualTo(Reason.UNREADABLE_PAYLOAD));
        }

        @Test
        void an_eventbridge_envelope_is_read_from_its_detail() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Funded", e -> seen.add(e.eventId())).build();
            String envelope = "{\"version\":\"0\",\"detail-type\":\"Wallet.Funded\",\"source\":\"billing\",\"detail\":"
                    + body("Wallet.Funded", "evt-9") + "}";
            l.handle(List.of(QueueMessage.standard("m1", envelope)));
            assertThat(seen).containsExactly("evt-9");
        }
    }

    @Nested
    class Context {
        @Test
        void the_handler_runs_in_the_events_context_which_is_cleared_after() {
            List<EventContext> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().concurrency(1).on("Wallet.Funded", e -> seen.add(EventContext.current())).build();
            l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1")),
                    QueueMessage.standard("m2", body("Wallet.Funded", "evt-2"))));
            assertThat(seen).containsExactly(
                    new EventContext("corr-evt-1", "evt-1", "user-1", "ten-1"),
                    new EventContext("corr-evt-2", "evt-2", "user-1", "ten-1"));
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }

        @Test
        void a_source_the_service_set_in_its_context_stays_while_each_events_metadata_replaces_the_callers() {
            List<EventContext> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().concurrency(4).on("Wallet.Funded", e -> seen.add(EventContext.current())).build();
            EventContext service = EventContext.builder().source("billing").actorId("svc").build();
            EventContext.runWith(service, () -> l.handle(List.of(
                    QueueMessage.fifo("m1", body("Wallet.Funded", "evt-1"), "g1"),
                    QueueMessage.fifo("m2", body("Wallet.Funded", "evt-2"), "g2"))));
            assertThat(seen).hasSize(2).allSatisfy(c -> {
                assertThat(c.source()).isEqualTo("billing");
                assertThat(c.actorId()).isEqualTo("user-1");
            });
            assertThat(seen).extracting(EventContext::causationId).containsExactlyInAnyOrder("evt-1", "evt-2");
            l.close();
        }

        @Test
        void with_concurrency_each_record_runs_in_its_own_context_and_pool_threads_are_left_clean() throws Exception {
            Map<String, EventContext> seen = new ConcurrentHashMap<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            java.util.concurrent.CountDownLatch poolRan = new java.util.concurrent.CountDownLatch(1);
            try (EventListener l = listener().concurrency(4).executor(pool).on("Wallet.Funded", e -> {
                seen.put(e.eventId(), EventContext.current());
                threads.add(Thread.currentThread().getName());
                if (Thread.currentThread().getName().startsWith("pool-")) {
                    poolRan.countDown();
                } else {
                    // The calling thread waits for the pool to take a group, so both kinds of thread run records.
                    poolRan.await(10, TimeUnit.SECONDS);
                }
            }).build()) {
                List<QueueMessage> batch = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    // 6 groups of 2 records: groups run on the pool and on the calling thread.
                    batch.add(QueueMessage.fifo("m" + i, body("Wallet.Funded", "evt-" + i, "wal_" + i % 6, i / 6 + 1,
                            "2026-11-27T16:09:59.000Z"), "wal_" + i % 6));
                }
                for (int round = 0; round < 3; round++) {
                    assertThat(l.handle(batch).failedMessageIds()).isEmpty();
                }
            }
            assertThat(seen).hasSize(12).allSatisfy((id, ctx) ->
                    assertThat(ctx).isEqualTo(new EventContext("corr-" + id, id, "user-1", "ten-1")));
            assertThat(threads).hasSize(36).anyMatch(name -> name.startsWith("pool-"));
            // Every pool thread is back to the empty context once the batches are done.
            List<java.util.concurrent.Future<EventContext>> after = new ArrayList<>();
            java.util.concurrent.ExecutorService check = pool;
            for (int i = 0; i < 3; i++) {
                after.add(check.submit(EventContext::current));
            }
            for (java.util.concurrent.Future<EventContext> f : after) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(EventContext.EMPTY);
            }
            pool.shutdown();
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }

        @Test
        void the_context_is_cleared_after_a_failing_handler_too() {
            EventListener l = listener().concurrency(1).on("Wallet.Funded", e -> {
                throw new IllegalStateException("boom");
            }).build();
            l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1"))));
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }
    }

    @Nested
    class Failures {
        @Test
        void a_body_that_is_not_json_fails_only_its_record() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Funded", e -> seen.add(e.eventId())).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", "{not json"),
                    QueueMessage.standard("m2", body("Wallet.Funded", "evt-2"))));
            assertThat(out.failedMessageIds()).containsExactly("m1");
            assertThat(out.failures().get(0).failure().get().reason()).isEqualTo(Reason.UNREADABLE_BODY);
            assertThat(seen).containsExactly("evt-2");
        }

        @Test
        void a_body_without_event_type_fails_only_its_record() {
            EventListener l = listener().on("Wallet.Funded", e -> { }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", "{\"eventId\":\"e\",\"aggregateType\":\"w\",\"aggregateId\":\"1\",\"version\":1}"),
                    QueueMessage.standard("m2", body("Wallet.Funded", "evt-2"))));
            assertThat(out.failedMessageIds()).containsExactly("m1");
            assertThat(out.failures().get(0).failure().get().detail()).contains("eventType");
        }

        @Test
        void an_error_thrown_by_a_handler_fails_only_its_record() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().concurrency(1).on("Wallet.Funded", e -> {
                if (e.eventId().equals("evt-1")) {
                    throw new AssertionError("a bug in the handler");
                }
                seen.add(e.eventId());
            }).on("Wallet.Deep", e -> {
                throw new StackOverflowError();
            }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1")),
                    QueueMessage.standard("m2", body("Wallet.Deep", "evt-2")),
                    QueueMessage.standard("m3", body("Wallet.Funded", "evt-3"))));
            assertThat(out.failedMessageIds()).containsExactly("m1", "m2");
            assertThat(out.results().get(0).failure()).hasValueSatisfying(f -> {
                assertThat(f.reason()).isEqualTo(Reason.HANDLER_FAILED);
                assertThat(f.detail()).isEqualTo(AssertionError.class.getName());
            });
            assertThat(seen).containsExactly("evt-3");
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }

        @Test
        void an_out_of_memory_error_is_not_swallowed() {
            EventListener l = listener().concurrency(1).on("Wallet.Funded", e -> {
                throw new OutOfMemoryError("simulated");
            }).build();
            assertThatThrownBy(() -> l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1")))))
                    .isInstanceOf(OutOfMemoryError.class);
        }

        @Test
        void a_handler_error_fails_its_record_and_other_messages_go_on() {
            EventListener l = listener().on("Wallet.Funded", e -> {
                if (e.eventId().equals("evt-1")) {
                    throw new IllegalStateException("boom");
                }
            }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1")),
                    QueueMessage.standard("m2", body("Wallet.Funded", "evt-2"))));
            assertThat(out.failedMessageIds()).containsExactly("m1");
            assertThat(out.results().get(1).status()).isEqualTo(Status.HANDLED);
            assertThat(out.failures().get(0).failure().get().reason()).isEqualTo(Reason.HANDLER_FAILED);
        }
    }

    @Nested
    class FifoGroups {
        @Test
        void after_a_failure_the_later_records_of_its_group_fail_without_running_and_other_groups_go_on() {
            List<String> ran = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("T", e -> {
                ran.add(e.eventId());
                if (e.eventId().equals("a2")) {
                    throw new IllegalStateException("boom");
                }
            }).build();
            BatchOutcome out = l.handle(List.of(
                    QueueMessage.fifo("m1", body("T", "a1"), "A"),
                    QueueMessage.fifo("m2", body("T", "b1"), "B"),
                    QueueMessage.fifo("m3", body("T", "a2"), "A"),
                    QueueMessage.fifo("m4", body("T", "b2"), "B"),
                    QueueMessage.fifo("m5", body("T", "a3"), "A"),
                    QueueMessage.fifo("m6", body("X", "a4"), "A")));
            assertThat(out.failedMessageIds()).containsExactly("m3", "m5", "m6");
            assertThat(out.results().get(4).failure().get().reason()).isEqualTo(Reason.EARLIER_IN_GROUP_FAILED);
            assertThat(ran).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
        }

        @Test
        void an_unreadable_body_fails_the_rest_of_its_group() {
            EventListener l = listener().on("T", e -> { }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.fifo("m1", "nope", "A"),
                    QueueMessage.fifo("m2", body("T", "a2"), "A")));
            assertThat(out.failedMessageIds()).containsExactly("m1", "m2");
        }

        @Test
        void a_skipped_stale_record_does_not_fail_its_group() {
            List<String> ran = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("T", e -> ran.add(e.eventId()))
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(1), OnStale.SKIP)).build();
            BatchOutcome out = l.handle(List.of(
                    QueueMessage.fifo("m1", body("T", "a1", "wal_1", 1, "2026-11-27T15:00:00.000Z"), "A"),
                    QueueMessage.fifo("m2", body("T", "a2", "wal_1", 2, "2026-11-27T16:09:30.000Z"), "A")));
            assertThat(out.results()).extracting(RecordResult::status).containsExactly(Status.SKIPPED_STALE, Status.HANDLED);
            assertThat(ran).containsExactly("a2");
        }
    }

    @Nested
    class Concurrency {
        @Test
        void records_of_different_groups_run_at_the_same_time() {
            // Each handler waits for all ten: run one after another, the barrier would time out.
            CyclicBarrier barrier = new CyclicBarrier(10);
            EventListener l = listener().concurrency(10).on("T", e -> barrier.await(10, TimeUnit.SECONDS)).build();
            List<QueueMessage> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(QueueMessage.fifo("m" + i, body("T", "e" + i), "G" + i));
            }
            assertThat(l.handle(batch).allSucceeded()).isTrue();
            l.close();
        }

        @Test
        void records_of_one_group_run_in_order_and_concurrency_is_bounded() {
            Map<String, List<String>> order = new ConcurrentHashMap<>();
            AtomicInteger active = new AtomicInteger();
            AtomicInteger maxActive = new AtomicInteger();
            EventListener l = listener().concurrency(3).on("T", e -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                Thread.sleep(2);
                order.computeIfAbsent(e.aggregateId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.eventId());
                active.decrementAndGet();
            }).build();
            List<QueueMessage> batch = new ArrayList<>();
            for (int v = 1; v <= 5; v++) {
                for (int g = 0; g < 6; g++) {
                    batch.add(QueueMessage.fifo("m" + g + "-" + v, body("T", "g" + g + "v" + v, "agg" + g, v,
                            "2026-11-27T16:09:00.000Z"), "agg" + g));
                }
            }
            assertThat(l.handle(batch).allSucceeded()).isTrue();
            assertThat(maxActive.get()).isBetween(1, 3);
            for (int g = 0; g < 6; g++) {
                assertThat(order.get("agg" + g)).containsExactly("g" + g + "v1", "g" + g + "v2", "g" + g + "v3",
                        "g" + g + "v4", "g" + g + "v5");
            }
            l.close();
        }

        @Test
        void the_outcome_lists_results_in_batch_order() {
            EventListener l = listener().on("T", e -> { }).build();
            List<QueueMessage> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(QueueMessage.standard("m" + i, i % 3 == 0 ? "bad" : body("T", "e" + i)));
            }
            BatchOutcome out = l.handle(batch);
            assertThat(out.results()).extracting(RecordResult::messageId)
                    .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(out.failedMessageIds()).containsExactly("m0", "m3", "m6", "m9");
        }
    }

    @Nested
    class Staleness {
        final String old = body("T", "e1", "w", 1, "2026-11-27T16:00:00.000Z"); // 10 minutes old

        @Test
        void skip_acknowledges_without_running_the_handler() {
            AtomicInteger ran = new AtomicInteger();
            EventListener l = listener().on("T", e -> ran.incrementAndGet())
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(5), OnStale.SKIP)).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", old)));
            assertThat(out.results()).extracting(RecordResult::status).containsExactly(Status.SKIPPED_STALE);
            assertThat(ran).hasValue(0);
        }

        @Test
        void process_degraded_sets_is_stale_and_age_before_the_handler_runs() {
            List<EventRecord> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("T", seen::add)
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(5), OnStale.PROCESS_DEGRADED)).build();
            l.handle(List.of(QueueMessage.standard("m1", old)));
            assertThat(seen).singleElement().satisfies(e -> {
                assertThat(e.meta().isStale()).isTrue();
                assertThat(e.meta().ageMs()).hasValue(600_000L);
                assertThat(EventItems.toMessageJson(e).get("meta").get("isStale").booleanValue()).isTrue();
            });
        }

        @Test
        void a_fresh_event_under_process_degraded_has_no_meta() {
            List<EventRecord> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("T", seen::add)
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(15), OnStale.PROCESS_DEGRADED)).build();
            l.handle(List.of(QueueMessage.standard("m1", old)));
            assertThat(seen.get(0).meta().isEmpty()).isTrue();
        }

        @Test
        void process_normally_runs_the_handler_unchanged() {
            List<EventRecord> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("T", seen::add)
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(5), OnStale.PROCESS_NORMALLY)).build();
            l.handle(List.of(QueueMessage.standard("m1", old)));
            assertThat(seen.get(0).meta().isEmpty()).isTrue();
        }

        @Test
        void a_policy_for_the_event_type_beats_the_default() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("T", e -> seen.add(e.eventId())).on("U", e -> seen.add(e.eventId()))
                    .staleness(StalenessPolicy.of(Duration.ofMinutes(5), OnStale.SKIP))
                    .staleness("U", StalenessPolicy.NONE).build();
            l.handle(List.of(QueueMessage.standard("m1", old),
                    QueueMessage.standard("m2", body("U", "e2", "w", 1, "2026-11-27T16:00:00.000Z"))));
            assertThat(seen).containsExactly("e2");
        }

        @Test
        void the_age_is_zero_when_occurred_at_is_missing_unparseable_or_in_the_future() {
            Instant now = NOW;
            assertThat(StalenessPolicy.ageMillis(java.util.Optional.empty(), now)).isZero();
            assertThat(StalenessPolicy.ageMillis(java.util.Optional.of(now.plusSeconds(60)), now)).isZero();
            assertThat(StalenessPolicy.ageMillis(java.util.Optional.of(now.minusMillis(1500)), now)).isEqualTo(1500);
            AtomicInteger ran = new AtomicInteger();
            EventListener l = listener().on("T", e -> ran.incrementAndGet())
                    .staleness(StalenessPolicy.of(Duration.ZERO, OnStale.SKIP)).build();
            l.handle(List.of(QueueMessage.standard("m1", body("T", "e1", "w", 1, "yesterday")),
                    QueueMessage.standard("m2", body("T", "e2", "w", 1, "2027-01-01T00:00:00.000Z"))));
            assertThat(ran).hasValue(2);
        }

        @Test
        void extreme_occurred_at_values_saturate_instead_of_failing_the_batch() {
            Instant far = Instant.parse("-999999999-01-01T00:00:00Z");
            assertThat(StalenessPolicy.ageMillis(java.util.Optional.of(far), NOW)).isEqualTo(Long.MAX_VALUE);
            assertThat(StalenessPolicy.ageMillis(java.util.Optional.of(Instant.MAX), NOW)).isZero();
            List<String> ran = new CopyOnWriteArrayList<>();
            EventListener l = listener().concurrency(1).on("T", e -> ran.add(e.eventId()))
                    .on("D", e -> ran.add(e.eventId() + " " + e.meta().isStale()))
                    .staleness(StalenessPolicy.of(Duration.ofDays(1), OnStale.SKIP))
                    .staleness("D", StalenessPolicy.of(Duration.ofDays(1), OnStale.PROCESS_DEGRADED)).build();
            BatchOutcome out = l.handle(List.of(
                    QueueMessage.standard("m1", body("T", "e1", "w", 1, "+999999999-01-01T00:00:00Z")),
                    QueueMessage.standard("m2", body("T", "e2", "w", 1, "-999999999-01-01T00:00:00Z")),
                    QueueMessage.standard("m3", body("D", "e3", "w", 1, "-999999999-01-01T00:00:00Z")),
                    QueueMessage.standard("m4", body("T", "e4"))));
            assertThat(out.failedMessageIds()).isEmpty();
            // The future one is fresh (age 0), the far past one is stale: skipped, or degraded.
            assertThat(out.results()).extracting(RecordResult::status).containsExactly(Status.HANDLED,
                    Status.SKIPPED_STALE, Status.HANDLED, Status.HANDLED);
            assertThat(ran).containsExactly("e1", "e3 true", "e4");
        }

        @Test
        void on_stale_reads_the_reference_names() {
            assertThat(OnStale.fromWireName("process-degraded")).isEqualTo(OnStale.PROCESS_DEGRADED);
            assertThatThrownBy(() -> OnStale.fromWireName("drop")).isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class Upcasting {
        /** The v2 shape of Wallet.Funded: an amount in units; schema 1 had amountCents. */
        record FundedV2(java.math.BigDecimal amount, String currency) {
        }

        static String v1Body(String eventId) {
            return EventJson.write(EventItems.toItemJson(EventRecord.builder().aggregate("wallet", "wal_1").version(1)
                    .eventId(eventId).eventType("Wallet.Funded").schemaVersion(1).occurredAt("2026-11-27T16:09:59.000Z")
                    .payload(EventJson.mapper().createObjectNode().put("amountCents", 1250)).build()));
        }

        static dev.eventfold.upcast.Upcasters upcasters() {
            return dev.eventfold.upcast.Upcasters.builder().register("Wallet.Funded", 1, p -> {
                ObjectNode o = p.deepCopy();
                o.put("amount", new java.math.BigDecimal(o.remove("amountCents").bigIntegerValue()).movePointLeft(2));
                o.put("currency", "EUR");
                return o;
            }).build();
        }

        @Test
        void a_schema_1_body_reaches_a_typed_handler_in_the_v2_shape() {
            List<FundedV2> payloads = new CopyOnWriteArrayList<>();
            List<Integer> schemas = new CopyOnWriteArrayList<>();
            EventListener l = listener().upcast(upcasters().asFunction())
                    .on("Wallet.Funded", FundedV2.class, (funded, event) -> {
                        payloads.add(funded);
                        schemas.add(event.schemaVersion());
                    }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", v1Body("evt-1"))));
            assertThat(out.failedMessageIds()).isEmpty();
            assertThat(payloads).containsExactly(new FundedV2(new java.math.BigDecimal("12.50"), "EUR"));
            assertThat(schemas).containsExactly(2);
        }

        @Test
        void without_upcast_the_same_body_does_not_bind_to_the_v2_shape() {
            List<FundedV2> payloads = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Funded", FundedV2.class, (funded, event) -> {
                if (funded.amount() == null) {
                    throw new IllegalStateException("no amount");
                }
                payloads.add(funded);
            }).build();
            assertThat(l.handle(List.of(QueueMessage.standard("m1", v1Body("evt-1")))).failedMessageIds())
                    .containsExactly("m1");
            assertThat(payloads).isEmpty();
        }

        @Test
        void routing_uses_the_transformed_type_and_a_failing_transform_fails_only_its_record() {
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener l = listener().concurrency(1).upcast(e -> {
                if (e.eventId().equals("evt-bad")) {
                    throw new IllegalStateException("cannot upcast");
                }
                return e.eventType().equals("Wallet.Credited") ? e.toBuilder().eventType("Wallet.Funded")
                        .build() : e;
            }).on("Wallet.Funded", e -> seen.add(e.eventId())).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Credited", "evt-1")),
                    QueueMessage.standard("m2", body("Wallet.Funded", "evt-bad")),
                    QueueMessage.standard("m3", body("Wallet.Funded", "evt-3"))));
            assertThat(seen).containsExactly("evt-1", "evt-3");
            assertThat(out.failedMessageIds()).containsExactly("m2");
            assertThat(out.results().get(1).failure()).hasValueSatisfying(f ->
                    assertThat(f.reason()).isEqualTo(Reason.UPCAST_FAILED));
        }
    }

    @Nested
    class Interop {
        @Test
        void the_listener_reads_the_reference_message_vector() throws Exception {
            // A copy of shared/spec/vectors (KeysAndVectorsTest uses the same resources).
            String message = new String(EventListenerTest.class.getResourceAsStream("/vectors/event-message.json").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            List<EventRecord> seen = new CopyOnWriteArrayList<>();
            List<EventContext> contexts = new CopyOnWriteArrayList<>();
            EventListener l = listener().on("Wallet.Withdrawn", e -> {
                seen.add(e);
                contexts.add(EventContext.current());
            }).build();
            BatchOutcome out = l.handle(List.of(QueueMessage.fifo("m1", message, "wal_123")));
            assertThat(out.allSucceeded()).isTrue();
            EventRecord e = seen.get(0);
            assertThat(e.aggregate().pk()).isEqualTo("AGG#wallet#wal_123");
            assertThat(e.version()).isEqualTo(2);
            assertThat(e.payload().get("fee").decimalValue()).isEqualByComparingTo("2.5");
            assertThat(contexts.get(0)).isEqualTo(new EventContext("corr-123", "evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2",
                    "user-456", "ten_9"));
        }
    }

    @Nested
    class Reactions {
        final dev.eventfold.store.InMemoryEventStore store = new dev.eventfold.store.InMemoryEventStore();
        final dev.eventfold.reaction.Reactor reactor = dev.eventfold.reaction.Reactor
                .builder(dev.eventfold.dispatch.Dispatcher.of(store))
                .on("Wallet.Funded", "notify", e -> List.of(dev.eventfold.dispatch.EventSpec.of("inbox", "user-1",
                        "Inbox.Notified", Map.of("wallet", e.aggregateId()))))
                .on("Wallet.Closed", "ignore-closed", e -> List.of())
                .on("Wallet.Frozen", "broken", e -> {
                    throw new IllegalStateException("down");
                })
                .build();

        List<EventRecord> inbox() {
            return store.readEvents(dev.eventfold.store.EventQuery.of(dev.eventfold.core.AggregateRef.of("inbox", "user-1")))
                    .toList();
        }

        @Test
        void a_duplicate_delivery_in_the_same_batch_and_in_a_later_one_writes_nothing_more() {
            EventListener l = listener().react(reactor).concurrency(1).build();
            String body = body("Wallet.Funded", "evt-1");

            BatchOutcome first = l.handle(List.of(QueueMessage.standard("m1", body), QueueMessage.standard("m2", body)));
            BatchOutcome later = l.handle(List.of(QueueMessage.standard("m3", body)));

            assertThat(first.results()).extracting(RecordResult::status)
                    .containsExactly(Status.REACTED, Status.ALREADY_REACTED);
            assertThat(later.results()).extracting(RecordResult::status).containsExactly(Status.ALREADY_REACTED);
            assertThat(inbox()).singleElement().satisfies(e -> {
                assertThat(e.causationId()).isEqualTo("evt-1");
                assertThat(e.correlationId()).isEqualTo("corr-evt-1");
            });
        }

        @Test
        void a_failed_reaction_fails_its_record_and_stops_its_fifo_group() {
            EventListener l = listener().react(reactor).build();
            BatchOutcome out = l.handle(List.of(
                    QueueMessage.fifo("m1", body("Wallet.Frozen", "evt-1"), "wal_1"),
                    QueueMessage.fifo("m2", body("Wallet.Funded", "evt-2"), "wal_1"),
                    QueueMessage.fifo("m3", body("Wallet.Closed", "evt-3"), "wal_2")));

            assertThat(out.results()).extracting(RecordResult::status)
                    .containsExactly(Status.FAILED, Status.FAILED, Status.NO_REACTION);
            assertThat(out.results().get(0).failure().orElseThrow().reason()).isEqualTo(Reason.REACTION_FAILED);
            assertThat(out.results().get(0).failure().orElseThrow().detail())
                    .isEqualTo("reaction broken: REACTION_FAILED java.lang.IllegalStateException");
            assertThat(out.results().get(1).failure().orElseThrow().reason()).isEqualTo(Reason.EARLIER_IN_GROUP_FAILED);
            assertThat(out.failedMessageIds()).containsExactly("m1", "m2");
            assertThat(inbox()).isEmpty();
        }

        @Test
        void a_type_with_a_handler_and_a_reaction_is_refused() {
            assertThatThrownBy(() -> listener().on("Wallet.Funded", e -> { }).react(reactor).build())
                    .isInstanceOf(InvalidRoutingException.class).hasMessageContaining("more than once");
        }
    }

    @dev.eventfold.domain.DomainEvents(aggregateType = "inbox", source = "notifier")
    interface InboxEvents {
        @dev.eventfold.domain.Event("Inbox.Notified")
        dev.eventfold.dispatch.DispatchResult notified(@dev.eventfold.domain.AggregateId String user,
                                                       @dev.eventfold.domain.Field("wallet") String wallet);
    }

    /** ADR 0007: what a handler dispatches without ids of its own is derived from the delivery. */
    @Nested
    class DispatchesInHandlers {
        final dev.eventfold.store.InMemoryEventStore store = new dev.eventfold.store.InMemoryEventStore();
        final dev.eventfold.dispatch.Dispatcher dispatcher = dev.eventfold.dispatch.Dispatcher.of(store);
        final InboxEvents inbox = dev.eventfold.domain.DomainDispatchers.create(InboxEvents.class, dispatcher);

        List<EventRecord> events(String type, String id) {
            return store.readEvents(dev.eventfold.store.EventQuery.of(dev.eventfold.core.AggregateRef.of(type, id)))
                    .toList();
        }

        void notifyAll(EventRecord funded) {
            inbox.notified("user-1", funded.aggregateId()); // typed
            dispatcher.dispatchEvents(List.of( // a parallel batch: its ids are assigned before it fans out
                    dev.eventfold.dispatch.EventSpec.of("inbox", "user-2", "Inbox.Notified", Map.of("n", 1)),
                    dev.eventfold.dispatch.EventSpec.of("inbox", "user-3", "Inbox.Notified", Map.of("n", 1)),
                    dev.eventfold.dispatch.EventSpec.of("inbox", "user-2", "Inbox.Notified", Map.of("n", 2))));
        }

        @Test
        void a_redelivered_event_makes_the_same_appends_and_the_store_writes_them_once() {
            EventListener l = listener().on("Wallet.Funded", this::notifyAll).concurrency(1).build();
            String body = body("Wallet.Funded", "evt-1");

            BatchOutcome first = l.handle(List.of(QueueMessage.standard("m1", body)));
            BatchOutcome again = l.handle(List.of(QueueMessage.standard("m2", body), QueueMessage.standard("m3", body)));

            assertThat(first.failedMessageIds()).isEmpty();
            assertThat(again.failedMessageIds()).isEmpty();
            assertThat(events("inbox", "user-1")).singleElement().satisfies(e -> {
                assertThat(e.eventId()).isEqualTo(dev.eventfold.internal.DispatchScope.eventId(
                        "handler\nWallet.Funded\nevt-1", e.aggregate(), "Inbox.Notified", 0));
                assertThat(e.source()).isEqualTo("notifier");
                assertThat(e.causationId()).isEqualTo("evt-1");
            });
            assertThat(events("inbox", "user-2")).extracting(e -> e.payload().get("n").asInt()).containsExactly(1, 2);
            assertThat(events("inbox", "user-2")).extracting(EventRecord::eventId).containsExactly(
                    dev.eventfold.internal.DispatchScope.eventId("handler\nWallet.Funded\nevt-1",
                            dev.eventfold.core.AggregateRef.of("inbox", "user-2"), "Inbox.Notified", 0),
                    dev.eventfold.internal.DispatchScope.eventId("handler\nWallet.Funded\nevt-1",
                            dev.eventfold.core.AggregateRef.of("inbox", "user-2"), "Inbox.Notified", 1));
            assertThat(events("inbox", "user-3")).hasSize(1);
        }

        @Test
        void another_incoming_event_derives_other_ids() {
            EventListener l = listener().on("Wallet.Funded", this::notifyAll).build();
            l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1")),
                    QueueMessage.standard("m2", body("Wallet.Funded", "evt-2"))));

            assertThat(events("inbox", "user-1")).hasSize(2).extracting(EventRecord::causationId)
                    .containsExactlyInAnyOrder("evt-1", "evt-2");
            assertThat(events("inbox", "user-2")).hasSize(4);
        }

        @Test
        void turned_off_on_the_builder_or_with_an_own_id_each_delivery_dispatches_anew() {
            EventListener off = listener().on("Wallet.Funded", this::notifyAll).derivedDispatchIds(false).build();
            String body = body("Wallet.Funded", "evt-1");
            off.handle(List.of(QueueMessage.standard("m1", body)));
            off.handle(List.of(QueueMessage.standard("m2", body)));
            assertThat(events("inbox", "user-1")).hasSize(2);

            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            EventListener own = listener().on("Wallet.Closed", e -> dispatcher.dispatchEvent(
                    dev.eventfold.dispatch.EventSpec.builder().aggregate("inbox", "user-9").eventType("Inbox.Notified")
                            .eventId("evt-own-" + n.incrementAndGet()).build())).build();
            own.handle(List.of(QueueMessage.standard("m3", body("Wallet.Closed", "evt-2"))));
            own.handle(List.of(QueueMessage.standard("m4", body("Wallet.Closed", "evt-2"))));
            assertThat(events("inbox", "user-9")).extracting(EventRecord::eventId)
                    .containsExactly("evt-own-1", "evt-own-2");
        }

        @Test
        void outside_a_handler_dispatches_get_fresh_ids() {
            EventListener l = listener().on("Wallet.Funded", this::notifyAll).build();
            l.handle(List.of(QueueMessage.standard("m1", body("Wallet.Funded", "evt-1"))));
            inbox.notified("user-1", "wal_1");
            inbox.notified("user-1", "wal_1");

            assertThat(events("inbox", "user-1")).hasSize(3).extracting(EventRecord::eventId).doesNotHaveDuplicates();
        }
    }

    /** A process manager behind a listener: its outcomes are the records' statuses. */
    @Nested
    class Processes {
        final dev.eventfold.store.InMemoryEventStore store = new dev.eventfold.store.InMemoryEventStore();
        final dev.eventfold.aggregate.AggregateType<Integer> counter = dev.eventfold.aggregate.AggregateType
                .<Integer>builder("tally").initialState(0).evolve((n, e) -> n + 1).build();

        EventListener tally(dev.eventfold.process.ProcessDecider<Integer> decider) {
            dev.eventfold.process.ProcessManager<Integer> pm = dev.eventfold.process.ProcessManager
                    .builder("tally", counter, store)
                    .on("Wallet.Funded", e -> e.aggregateId().equals("wal_1") ? "t1" : null)
                    .decide(decider).build();
            return listener().process(pm).concurrency(1).build();
        }

        @Test
        void stepped_already_stepped_ignored_and_failed_become_record_statuses() {
            EventListener l = tally((n, in) -> dev.eventfold.process.ProcessStep.record("Tally.Counted", Map.of()));
            String funded = body("Wallet.Funded", "evt-1");
            String other = body("Wallet.Funded", "evt-2", "wal_2", 1, "2026-12-01T10:00:00.000Z");

            BatchOutcome out = l.handle(List.of(QueueMessage.standard("m1", funded), QueueMessage.standard("m2", funded),
                    QueueMessage.standard("m3", other)));
            BatchOutcome broken = tally((n, in) -> {
                throw new IllegalStateException("down");
            }).handle(List.of(QueueMessage.standard("m4", body("Wallet.Funded", "evt-3"))));

            assertThat(out.results()).extracting(RecordResult::status)
                    .containsExactly(Status.REACTED, Status.ALREADY_REACTED, Status.NO_REACTION);
            assertThat(broken.results()).singleElement().satisfies(r -> {
                assertThat(r.failure().orElseThrow().reason()).isEqualTo(Reason.PROCESS_FAILED);
                assertThat(r.failure().orElseThrow().detail()).isEqualTo("process tally: DECIDE_FAILED java.lang.IllegalStateException");
            });
            assertThat(store.readEvents(dev.eventfold.store.EventQuery.of(counter.ref("t1"))).toList()).singleElement()
                    .satisfies(e -> assertThat(e.causationId()).isEqualTo("evt-1"));
        }
    }
}
