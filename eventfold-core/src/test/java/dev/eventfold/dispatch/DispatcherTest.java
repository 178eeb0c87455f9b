package dev.eventfold.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.context.EventContext;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendTooLargeException;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.id.Ulid;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    static final Instant NOW = Instant.parse("2026-11-27T16:05:59.123Z");
    static final AggregateRef WALLET = AggregateRef.of("wallet", "wal_123");

    final RecordingStore store = new RecordingStore();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    Dispatcher.Builder builder() {
        return Dispatcher.builder(store)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .retryPolicy(RetryPolicy.custom().fullJitterBackoff(Duration.ofMillis(5),
                        Duration.ofSeconds(1)).build())
                .jitter(() -> new SplittableRandom(5))
                .sleeper(sleeps::add);
    }

    final Dispatcher dispatcher = builder().build();

    @AfterEach
    void close() {
        dispatcher.close();
        EventContext.reset();
    }

    static EventSpec funded(long amount) {
        return EventSpec.builder().aggregate(WALLET).eventType("Wallet.Funded").source("billing")
                .payload(Map.of("amount", amount)).build();
    }

    static EventSpec funded(AggregateRef wallet, long amount) {
        return funded(amount).toBuilder().aggregate(wallet).build();
    }

    @Nested
    class Defaults {
        @Test
        void an_event_gets_a_ulid_event_id_the_time_schema_version_one_and_the_next_version() {
            DispatchResult r = dispatcher.dispatchEvent(funded(5000));

            EventRecord stored = store.events(WALLET).get(0);
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.pk()).isEqualTo("AGG#wallet#wal_123");
            assertThat(r.sk()).isEqualTo("EVT#000000001");
            assertThat(Ulid.isEventId(stored.eventId())).isTrue();
            assertThat(stored.eventId()).isEqualTo(r.eventId());
            assertThat(stored.occurredAt()).isEqualTo("2026-11-27T16:05:59.123Z");
            assertThat(stored.schemaVersion()).isEqualTo(1);
            assertThat(stored.source()).isEqualTo("billing");
            assertThat(stored.payload().get("amount").asLong()).isEqualTo(5000);
        }

        @Test
        void the_idempotency_key_defaults_to_the_event_id() {
            DispatchResult r = dispatcher.dispatchEvent(funded(1));

            assertThat(r.idempotencyKey()).isEqualTo(r.eventId());
            assertThat(store.delegate.getHead(WALLET).orElseThrow().lastIdemKey()).isEqualTo(r.eventId());
        }

        @Test
        void given_ids_times_and_schema_versions_are_kept() {
            DispatchResult r = dispatcher.dispatchEvent(funded(1).toBuilder().eventId("evt-mine")
                    .idempotencyKey("cmd-42").occurredAt("2020-01-01T00:00:00.000Z").schemaVersion(3).build());

            EventRecord stored = store.events(WALLET).get(0);
            assertThat(stored.eventId()).isEqualTo("evt-mine");
            assertThat(stored.occurredAt()).isEqualTo("2020-01-01T00:00:00.000Z");
            assertThat(stored.schemaVersion()).isEqualTo(3);
            assertThat(r.idempotencyKey()).isEqualTo("cmd-42");
            assertThat(store.delegate.getHead(WALLET).orElseThrow().lastIdemKey()).isEqualTo("cmd-42");
        }

        @Test
        void successive_events_get_increasing_ids_and_contiguous_versions() {
            List<DispatchResult> rs = IntStream.range(0, 20).mapToObj(i -> dispatcher.dispatchEvent(funded(i))).toList();

            assertThat(rs).extracting(DispatchResult::version).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, 20).boxed().toList());
            assertThat(rs).extracting(DispatchResult::eventId).isSorted().doesNotHaveDuplicates();
        }
    }

    @Nested
    class Context {
        final EventContext request = EventContext.builder().correlationId("corr-1").causationId("evt-cause")
                .actorId("user-9").tenantId("ten_1").build();

        @Test
        void empty_fields_are_filled_from_the_current_context() {
            EventContext.runWith(request, () -> dispatcher.dispatchEvent(funded(1)));

            EventRecord stored = store.events(WALLET).get(0);
            assertThat(stored.correlationId()).isEqualTo("corr-1");
            assertThat(stored.causationId()).isEqualTo("evt-cause");
            assertThat(stored.actorId()).isEqualTo("user-9");
            assertThat(stored.tenantId()).isEqualTo("ten_1");
        }

        @Test
        void an_explicit_field_beats_the_context() {
            EventContext.runWith(request, () -> dispatcher.dispatchEvent(funded(1).toBuilder()
                    .correlationId("corr-explicit").actorId("admin").build()));

            EventRecord stored = store.events(WALLET).get(0);
            assertThat(stored.correlationId()).isEqualTo("corr-explicit");
            assertThat(stored.actorId()).isEqualTo("admin");
            assertThat(stored.causationId()).isEqualTo("evt-cause");
            assertThat(stored.tenantId()).isEqualTo("ten_1");
        }

        @Test
        void a_source_set_once_in_the_context_fills_every_dispatch_that_names_none() {
            EventContext service = EventContext.builder().source("billing").correlationId("corr-2").build();
            EventContext.runWith(service, () -> {
                dispatcher.dispatchEvent(funded(1));
                dispatcher.dispatchEvent(funded(2).toBuilder().source("payments").build());
            });

            List<EventRecord> stored = store.events(WALLET);
            assertThat(stored).extracting(EventRecord::source).containsExactly("billing", "payments");
            assertThat(stored).extracting(EventRecord::correlationId).containsOnly("corr-2");
            // The listener keeps a source set by the service while it sets each event's metadata.
            assertThat(service.withMetadata(stored.get(0).metadata()).source()).isEqualTo("billing");
        }

        @Test
        void without_a_context_the_fields_stay_absent() {
            dispatcher.dispatchEvent(funded(1));

            EventRecord stored = store.events(WALLET).get(0);
            assertThat(stored.correlationId()).isNull();
            assertThat(stored.causationId()).isNull();
            assertThat(stored.actorId()).isNull();
            assertThat(stored.tenantId()).isNull();
        }

        @Test
        void contexts_of_concurrent_threads_stay_apart() throws Exception {
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String id = "t" + t;
                    fs.add(pool.submit(() -> {
                        start.await();
                        EventContext.runWith(EventContext.builder().correlationId("corr-" + id).actorId(id).build(), () -> {
                            for (int i = 0; i < 10; i++) {
                                dispatcher.dispatchEvent(funded(AggregateRef.of("wallet", id), i));
                            }
                        });
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
            for (int t = 0; t < threads; t++) {
                List<EventRecord> events = store.events(AggregateRef.of("wallet", "t" + t));
                assertThat(events).hasSize(10);
                String id = "t" + t;
                assertThat(events).allSatisfy(e -> {
                    assertThat(e.actorId()).isEqualTo(id);
                    assertThat(e.correlationId()).isEqualTo("corr-" + id);
                });
            }
        }

        @Test
        void parallel_batches_carry_the_callers_context_into_their_tasks_and_leave_none_behind() {
            List<EventSpec> events = IntStream.range(0, 24)
                    .mapToObj(i -> funded(AggregateRef.of("wallet", "w" + i), i)).toList();

            EventContext.runWith(request, () -> dispatcher.dispatchEvents(events));
            List<DispatchResult> after = dispatcher.dispatchEvents(IntStream.range(0, 24)
                    .mapToObj(i -> funded(AggregateRef.of("wallet", "w" + i), i)).toList());

            for (int i = 0; i < 24; i++) {
                List<EventRecord> stored = store.events(AggregateRef.of("wallet", "w" + i));
                assertThat(stored.get(0).correlationId()).isEqualTo("corr-1");
                assertThat(stored.get(0).tenantId()).isEqualTo("ten_1");
                // The second batch ran without a context, on the same pool threads: nothing leaked.
                assertThat(stored.get(1).correlationId()).isNull();
                assertThat(stored.get(1).tenantId()).isNull();
            }
            assertThat(after).hasSize(24);
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }
    }

    @Nested
    class VersionCacheAndRequests {
        @Test
        void a_warm_cache_makes_each_dispatch_one_request() {
            dispatcher.dispatchEvent(funded(0)); // cold: head read + append
            assertThat(store.headReads).hasValue(1);
            store.resetCounts();

            for (int i = 0; i < 50; i++) {
                dispatcher.dispatchEvent(funded(i));
            }

            assertThat(store.appends).hasValue(50);
            assertThat(store.headReads).hasValue(0);
            assertThat(store.events(WALLET)).hasSize(51);
        }

        @Test
        void a_stale_entry_costs_one_conflict_and_no_head_read() {
            dispatcher.dispatchEvent(funded(0));
            Dispatcher other = builder().build();
            other.dispatchEvent(funded(1));
            other.dispatchEvent(funded(2));
            store.resetCounts();

            DispatchResult r = dispatcher.dispatchEvent(funded(3));

            assertThat(r.version()).isEqualTo(4);
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(store.appends).hasValue(2);
            assertThat(store.headReads).hasValue(0); // the conflict reported the actual version
            assertThat(store.requests).extracting(req -> req.expectedVersion()).containsExactly(1L, 3L);
            assertThat(dispatcher.cachedVersion(WALLET)).hasValue(4);
        }

        @Test
        void with_the_cache_off_every_dispatch_reads_the_head() {
            Dispatcher uncached = builder().versionCacheSize(0).build();

            for (int i = 0; i < 5; i++) {
                uncached.dispatchEvent(funded(i));
            }

            assertThat(store.headReads).hasValue(5);
            assertThat(store.appends).hasValue(5);
            assertThat(uncached.cachedAggregates()).isZero();
        }

        @Test
        void the_cache_holds_at_most_its_size_dropping_the_least_recently_used() {
            Dispatcher small = builder().versionCacheSize(2).build();
            AggregateRef a = AggregateRef.of("wallet", "a");
            AggregateRef b = AggregateRef.of("wallet", "b");
            AggregateRef c = AggregateRef.of("wallet", "c");

            small.dispatchEvent(funded(a, 1));
            small.dispatchEvent(funded(b, 1));
            small.dispatchEvent(funded(a, 2)); // a is now the most recently used
            small.dispatchEvent(funded(c, 1));

            assertThat(small.cachedAggregates()).isEqualTo(2);
            assertThat(small.cachedVersion(a)).hasValue(2);
            assertThat(small.cachedVersion(b)).isEmpty();
            assertThat(small.cachedVersion(c)).hasValue(1);
        }

        @Test
        void a_negative_cache_size_is_refused() {
            assertThatThrownBy(() -> builder().versionCacheSize(-1).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("versionCacheSize");
        }
    }

    @Nested
    class Retries {
        @Test
        void a_lost_response_is_retried_as_the_same_append_and_the_event_is_written_once() {
            store.fail(RecordingStore.Fault.LOSE_RESPONSE, 1);

            DispatchResult r = dispatcher.dispatchEvent(funded(5000));

            assertThat(r.alreadyAppended()).isTrue();
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(store.events(WALLET)).hasSize(1).extracting(EventRecord::eventId).containsExactly(r.eventId());
            assertThat(store.requests).hasSize(2);
            assertThat(store.requests.get(1)).isEqualTo(store.requests.get(0));
        }

        @Test
        void a_lost_response_after_a_conflict_still_writes_the_event_once() {
            dispatcher.dispatchEvent(funded(0));
            builder().build().dispatchEvent(funded(1)); // another process: the cache now trails by one
            store.resetCounts();
            store.fail(RecordingStore.Fault.NONE, 1).fail(RecordingStore.Fault.LOSE_RESPONSE, 1);

            DispatchResult r = dispatcher.dispatchEvent(funded(2));

            // 1: conflict at 1 (actual 2); 2: lands at 3, answer lost; 3: the same append, recognised.
            assertThat(store.requests).extracting(req -> req.expectedVersion()).containsExactly(1L, 2L, 2L);
            assertThat(r.version()).isEqualTo(3);
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(r.alreadyAppended()).isTrue();
            assertThat(store.events(WALLET)).hasSize(3).extracting(EventRecord::eventId).doesNotHaveDuplicates();
        }

        @Test
        void a_conflict_on_a_version_from_before_a_pause_is_retried_at_once_and_only_fresh_contention_waits() {
            dispatcher.dispatchEvent(funded(1)); // the cache knows version 1
            store.resetCounts();
            store.fail(RecordingStore.Fault.OTHER_WRITER_FIRST, 2);

            DispatchResult r = dispatcher.dispatchEvent(funded(2));

            // 1: at the cached 1, another writer got 2 first: the conflict returned 2, retried at once;
            // 2: at the fresh 2, another writer got 3 first: real contention, one pause; 3: lands at 4.
            assertThat(store.requests).extracting(req -> req.expectedVersion()).containsExactly(1L, 2L, 3L);
            assertThat(sleeps).hasSize(1);
            assertThat(r.version()).isEqualTo(4);
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(store.headReads).hasValue(0);
            assertThat(store.events(WALLET)).extracting(EventRecord::eventId).doesNotHaveDuplicates().hasSize(4);
        }

        @Test
        void throttling_is_retried_with_backoff_until_it_lands() {
            store.fail(RecordingStore.Fault.THROTTLE, 3);

            DispatchResult r = dispatcher.dispatchEvent(funded(1));

            assertThat(r.attempts()).isEqualTo(4);
            assertThat(r.alreadyAppended()).isFalse();
            assertThat(store.events(WALLET)).hasSize(1);
            assertThat(sleeps).hasSize(3);
            assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(5));
            assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(10));
            assertThat(sleeps.get(2)).isBetween(Duration.ZERO, Duration.ofMillis(20));
        }

        @Test
        void a_rejected_request_is_tried_once() {
            store.fail(RecordingStore.Fault.REJECT, 1);

            assertThatThrownBy(() -> dispatcher.dispatchEvent(funded(1)))
                    .isInstanceOfSatisfying(EventStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(EventStoreException.Kind.REJECTED));
            assertThat(store.appends).hasValue(1);
            assertThat(sleeps).isEmpty();
            assertThat(store.events(WALLET)).isEmpty();
        }

        @Test
        void a_validation_error_sends_nothing_and_is_not_retried() {
            String big = "x".repeat(420 * 1024);

            assertThatThrownBy(() -> dispatcher.dispatchEvent(funded(1).toBuilder().payload(Map.of("blob", big)).build()))
                    .isInstanceOf(AppendTooLargeException.class);
            assertThat(store.requestCount()).isZero(); // not even the head read
            assertThat(sleeps).isEmpty();
            assertThat(store.events(WALLET)).isEmpty();
        }

        @Test
        void a_validation_error_with_a_warm_cache_is_refused_before_any_request_too() {
            dispatcher.dispatchEvent(funded(1));
            store.resetCounts();

            assertThatThrownBy(() -> dispatcher.dispatchEvent(funded(2).toBuilder()
                    .payload(Map.of("blob", "x".repeat(420 * 1024))).build()))
                    .isInstanceOf(InvalidInputException.class);
            assertThat(store.requestCount()).isZero();
            assertThat(store.events(WALLET)).hasSize(1);
        }

        @Test
        void without_combining_the_store_itself_refuses_before_writing() {
            Dispatcher plain = builder().combineConcurrentDispatches(false).build();
            plain.dispatchEvent(funded(1));
            store.resetCounts();

            assertThatThrownBy(() -> plain.dispatchEvent(funded(2).toBuilder()
                    .payload(Map.of("blob", "x".repeat(420 * 1024))).build()))
                    .isInstanceOf(InvalidInputException.class);
            assertThat(store.appends).hasValue(1);
            assertThat(store.events(WALLET)).hasSize(1);
        }

        @Test
        void bad_input_is_refused_when_the_event_is_built() {
            assertThatThrownBy(() -> EventSpec.of("wal#let", "w1", "Wallet.Funded", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("aggregateType");
            assertThatThrownBy(() -> EventSpec.of("wallet", " ", "Wallet.Funded", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("aggregateId");
            assertThatThrownBy(() -> EventSpec.of("wallet", "w1", "", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("eventType");
            assertThatThrownBy(() -> funded(1).toBuilder().occurredAt("yesterday").build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("occurredAt");
            assertThatThrownBy(() -> funded(1).toBuilder().schemaVersion(0).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("schemaVersion");
            assertThatThrownBy(() -> funded(1).toBuilder().payload(Map.of("x", Double.NaN)).build())
                    .isInstanceOf(InvalidInputException.class);
            assertThat(store.requestCount()).isZero();
        }

        @Test
        void conflicts_beyond_the_attempt_limit_surface_as_a_conflict() {
            Dispatcher limited = Dispatcher.builder(new AlwaysConflicting(store))
                    .retryPolicy(RetryPolicy.custom().maxAttempts(4).noBackoff().build()).build();

            assertThatThrownBy(() -> limited.dispatchEvent(funded(1))).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(store.appends).hasValue(4);
            assertThat(store.events(WALLET)).isEmpty();
        }

        @Test
        void a_fixed_expected_version_is_the_callers_decision_and_a_conflict_is_not_retried() {
            dispatcher.dispatchEvent(funded(1));
            store.resetCounts();

            assertThatThrownBy(() -> dispatcher.dispatchEvent(funded(2).toBuilder().expectedVersion(0).build()))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class, c -> {
                        assertThat(c.expectedVersion()).isZero();
                        assertThat(c.actualVersion()).hasValue(1);
                    });
            assertThat(store.appends).hasValue(1);
            assertThat(store.events(WALLET)).hasSize(1);
        }

        @Test
        void the_reference_policy_rereads_the_head_before_every_try() {
            Dispatcher reference = Dispatcher.builder(new ConflictOnce(store)).versionCacheSize(0)
                    .serializeSameAggregate(false)
                    .retryPolicy(RetryPolicy.from(RetryPolicy.reference()).noBackoff().build()).build();

            DispatchResult r = reference.dispatchEvent(funded(1));

            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.version()).isEqualTo(2);
            assertThat(store.headReads).hasValue(2); // although the conflict reported the actual version
        }
    }

    @Nested
    class Concurrency {
        @Test
        void eight_dispatchers_times_25_events_on_one_aggregate_all_land_contiguously_without_duplicates()
                throws Exception {
            // Eight dispatchers stand for eight processes: they only meet in the store.
            List<DispatchResult> results = race(8, 25, i -> builder().retryPolicy(RetryPolicy.custom().maxAttempts(100)
                    .fullJitterBackoff(Duration.ofMillis(1), Duration.ofMillis(10)).build())
                    .build());

            assertContiguous(results, 200);
        }

        @Test
        void threads_sharing_one_dispatcher_take_turns_and_never_conflict() throws Exception {
            List<DispatchResult> results = race(8, 25, i -> dispatcher);

            assertContiguous(results, 200);
            assertThat(results).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
            assertThat(store.appends.get()).isBetween(1, 200); // queued dispatches share appends
            assertThat(store.requests.stream().mapToInt(r -> r.events().size()).sum()).isEqualTo(200);
            assertThat(store.headReads).hasValue(1);
        }

        @Test
        void threads_sharing_a_dispatcher_without_combining_cost_one_append_each() throws Exception {
            Dispatcher plain = builder().combineConcurrentDispatches(false).build();

            List<DispatchResult> results = race(8, 25, i -> plain);

            assertContiguous(results, 200);
            assertThat(results).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
            assertThat(store.appends).hasValue(200);
        }

        @Test
        void dispatches_queued_behind_an_append_go_out_together_each_with_its_own_result() throws Exception {
            CountDownLatch firstAppendEntered = new CountDownLatch(1);
            CountDownLatch releaseFirstAppend = new CountDownLatch(1);
            Dispatcher gated = holdingTheFirstAppend(firstAppendEntered, releaseFirstAppend);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<DispatchResult> first = pool.submit(() -> gated.dispatchEvent(funded(100)));
                firstAppendEntered.await();
                List<Future<DispatchResult>> queued = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    long amount = 100 + i;
                    queued.add(pool.submit(() -> gated.dispatchEvent(funded(amount))));
                    while (gated.pendingDispatches(WALLET) < i) {
                        Thread.onSpinWait(); // wait until it is queued, so the order is known
                    }
                }
                releaseFirstAppend.countDown();

                assertThat(first.get().version()).isEqualTo(1);
                List<DispatchResult> rs = new ArrayList<>();
                for (Future<DispatchResult> f : queued) {
                    rs.add(f.get());
                }
                assertThat(rs).extracting(DispatchResult::version).containsExactly(2L, 3L, 4L);
                assertThat(rs).extracting(DispatchResult::eventId).doesNotHaveDuplicates();
                assertThat(rs).extracting(DispatchResult::idempotencyKey).containsOnly(rs.get(0).eventId());
                assertThat(store.requests).extracting(r -> r.events().size()).containsExactly(1, 3);
                assertThat(store.events(WALLET)).extracting(e -> e.payload().get("amount").longValue())
                        .containsExactly(100L, 101L, 102L, 103L);
                assertThat(store.events(WALLET).subList(1, 4)).extracting(EventRecord::eventId)
                        .containsExactlyElementsOf(rs.stream().map(DispatchResult::eventId).toList());
            } finally {
                releaseFirstAppend.countDown();
                pool.shutdownNow();
            }
        }

        @Test
        void dispatches_with_ids_of_the_callers_own_are_never_combined_so_each_keeps_its_idempotency_record()
                throws Exception {
            CountDownLatch firstAppendEntered = new CountDownLatch(1);
            CountDownLatch releaseFirstAppend = new CountDownLatch(1);
            Dispatcher gated = holdingTheFirstAppend(firstAppendEntered, releaseFirstAppend);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<DispatchResult> first = pool.submit(() -> gated.dispatchEvent(funded(0)));
                firstAppendEntered.await();
                List<Future<DispatchResult>> mine = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    String id = "evt-caller-" + i;
                    mine.add(pool.submit(() -> gated.dispatchEvent(funded(1).toBuilder().eventId(id).build())));
                }
                Thread.sleep(50);
                releaseFirstAppend.countDown();
                first.get();
                for (Future<DispatchResult> f : mine) {
                    f.get();
                }

                assertThat(store.requests).extracting(r -> r.events().size()).containsOnly(1);
                for (int i = 1; i <= 3; i++) {
                    assertThat(store.findAppend(WALLET, "evt-caller-" + i)).isPresent();
                }
            } finally {
                releaseFirstAppend.countDown();
                pool.shutdownNow();
            }
        }

        /** A dispatcher whose first append waits, once inside the store, until {@code release} opens. */
        private Dispatcher holdingTheFirstAppend(CountDownLatch entered, CountDownLatch release) {
            AtomicInteger calls = new AtomicInteger();
            return Dispatcher.builder(new Delegating(store) {
                @Override
                public dev.eventfold.core.AppendResult append(dev.eventfold.store.AppendRequest request) {
                    if (calls.getAndIncrement() == 0) {
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return inner.append(request);
                }
            }).build();
        }

        private List<DispatchResult> race(int threads, int perThread,
                                          java.util.function.IntFunction<Dispatcher> dispatcherOf) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<DispatchResult> results = Collections.synchronizedList(new ArrayList<>());
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Dispatcher d = dispatcherOf.apply(t);
                    fs.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            results.add(d.dispatchEvent(funded(i)));
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
            return results;
        }

        private void assertContiguous(List<DispatchResult> results, int n) {
            List<EventRecord> stored = store.events(WALLET);
            assertThat(stored).hasSize(n);
            assertThat(stored).extracting(EventRecord::version)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
            assertThat(stored).extracting(EventRecord::eventId).doesNotHaveDuplicates();
            assertThat(results).extracting(DispatchResult::version).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
            assertThat(store.delegate.getHead(WALLET).orElseThrow().currentVersion()).isEqualTo(n);
        }
    }

    @Nested
    class Batches {
        List<EventSpec> onDistinctWallets(int n) {
            return IntStream.range(0, n).mapToObj(i -> funded(AggregateRef.of("wallet", "w" + i), i).toBuilder()
                    .eventId("evt-" + i).build()).toList();
        }

        @Test
        void a_parallel_batch_returns_results_in_input_order() {
            List<EventSpec> events = onDistinctWallets(40);

            List<DispatchResult> rs = dispatcher.dispatchEvents(events);

            assertThat(rs).extracting(DispatchResult::eventId)
                    .containsExactlyElementsOf(events.stream().map(EventSpec::eventId).toList());
            assertThat(rs).extracting(r -> r.aggregate().aggregateId())
                    .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> "w" + i).toList());
        }

        @Test
        void a_parallel_batch_uses_at_most_its_concurrency_and_no_thread_per_event() {
            AtomicInteger submitted = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                Dispatcher bounded = builder().batchConcurrency(3).executor(task -> {
                    submitted.incrementAndGet();
                    pool.execute(task);
                }).build();

                bounded.dispatchEvents(onDistinctWallets(60));

                assertThat(submitted).hasValue(2); // the calling thread is the third worker
                assertThat(store.maxInFlight.get()).isLessThanOrEqualTo(3);
                assertThat(store.appends).hasValue(60);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void a_parallel_batch_completes_even_when_the_executor_never_runs_its_tasks() {
            Dispatcher starved = builder().executor(task -> { }).build();

            List<DispatchResult> rs = starved.dispatchEvents(onDistinctWallets(10));

            assertThat(rs).hasSize(10);
        }

        @Test
        void a_partial_failure_reports_which_events_landed_and_which_failed() {
            List<EventSpec> events = new ArrayList<>(onDistinctWallets(5));
            events.set(2, events.get(2).toBuilder().expectedVersion(7).build()); // w2 is at 0: a conflict

            BatchDispatchOutcome outcome = dispatcher.dispatchAll(events, BatchMode.PARALLEL);

            assertThat(outcome.allLanded()).isFalse();
            assertThat(outcome.landed()).extracting(EventOutcome::index).containsExactly(0, 1, 3, 4);
            assertThat(outcome.failed()).singleElement().satisfies(f -> {
                assertThat(f.index()).isEqualTo(2);
                assertThat(f.error()).isInstanceOf(ConcurrencyConflictException.class);
            });
            assertThat(store.events(AggregateRef.of("wallet", "w2"))).isEmpty();
            assertThat(store.events(AggregateRef.of("wallet", "w4"))).hasSize(1);
            assertThatThrownBy(() -> dispatcher.dispatchEvents(onDistinctWallets(5).stream()
                    .map(e -> e.aggregate().aggregateId().equals("w2")
                            ? e.toBuilder().eventId("evt-other").expectedVersion(7).build() : e.toBuilder()
                            .eventId(e.eventId() + "-again").build()).toList()))
                    .isInstanceOfSatisfying(BatchDispatchException.class, e -> {
                        assertThat(e.outcome().failed()).extracting(EventOutcome::index).containsExactly(2);
                        assertThat(e.outcome().landed()).hasSize(4);
                        assertThat(e.getMessage()).contains("4 of 5 events landed").contains("#2 Wallet.Funded on wallet/w2")
                                .doesNotContain("amount");
                    });
        }

        @Test
        void an_in_order_batch_lands_in_order_and_stops_at_the_first_failure() {
            List<EventSpec> events = List.of(funded(1), funded(2), funded(3).toBuilder().expectedVersion(0).build(),
                    funded(4));

            BatchDispatchOutcome outcome = dispatcher.dispatchAll(events, BatchMode.IN_ORDER);

            assertThat(outcome.landed()).extracting(l -> l.result().version()).containsExactly(1L, 2L);
            assertThat(outcome.failed()).extracting(EventOutcome::index).containsExactly(2);
            assertThat(outcome.notAttempted()).extracting(EventOutcome::index).containsExactly(3);
            assertThat(store.events(WALLET)).hasSize(2);
        }

        @Test
        void the_boolean_form_in_order_gives_consecutive_versions_in_list_order() {
            List<DispatchResult> rs = dispatcher.dispatchEvents(
                    IntStream.range(0, 10).mapToObj(i -> funded(i)).toList(), true);

            assertThat(rs).extracting(DispatchResult::version)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
        }

        @Test
        void an_atomic_batch_is_one_append_with_consecutive_versions() {
            dispatcher.dispatchEvent(funded(0));
            store.resetCounts();

            List<DispatchResult> rs = dispatcher.dispatchEvents(
                    IntStream.range(1, 6).mapToObj(i -> funded(i)).toList(), BatchMode.ATOMIC);

            assertThat(store.appends).hasValue(1);
            assertThat(store.requests.get(0).events()).hasSize(5);
            assertThat(rs).extracting(DispatchResult::version).containsExactly(2L, 3L, 4L, 5L, 6L);
            assertThat(rs).extracting(DispatchResult::idempotencyKey).containsOnly(rs.get(0).eventId());
            assertThat(store.events(WALLET)).extracting(e -> e.payload().get("amount").asInt())
                    .containsExactly(0, 1, 2, 3, 4, 5);
        }

        @Test
        void an_atomic_batch_with_one_bad_event_writes_none() {
            List<EventSpec> events = List.of(funded(1), funded(2).toBuilder()
                    .payload(Map.of("blob", "x".repeat(420 * 1024))).build(), funded(3));

            BatchDispatchOutcome outcome = dispatcher.dispatchAll(events, BatchMode.ATOMIC);

            assertThat(outcome.failed()).hasSize(3);
            assertThat(outcome.failed()).allSatisfy(f -> assertThat(f.error()).isInstanceOf(AppendTooLargeException.class));
            assertThat(store.events(WALLET)).isEmpty();
            assertThat(store.requestCount()).isZero();
        }

        @Test
        void an_atomic_batch_lost_response_is_recognised_and_written_once() {
            store.fail(RecordingStore.Fault.LOSE_RESPONSE, 1);

            List<DispatchResult> rs = dispatcher.dispatchEvents(List.of(funded(1), funded(2), funded(3)),
                    BatchMode.ATOMIC);

            assertThat(rs).allSatisfy(r -> assertThat(r.alreadyAppended()).isTrue());
            assertThat(store.events(WALLET)).hasSize(3);
        }

        @Test
        void an_atomic_batch_over_two_aggregates_is_refused_before_any_request() {
            List<EventSpec> events = List.of(funded(1), funded(AggregateRef.of("wallet", "other"), 2));

            assertThatThrownBy(() -> dispatcher.dispatchEvents(events, BatchMode.ATOMIC))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("event #1 is for wallet/other");
            assertThat(store.requestCount()).isZero();
        }

        @Test
        void an_empty_batch_is_an_empty_result() {
            assertThat(dispatcher.dispatchEvents(List.of())).isEmpty();
            assertThat(dispatcher.dispatchEvents(List.of(), BatchMode.ATOMIC)).isEmpty();
        }
    }

    // ---- stores that misbehave on purpose ----

    /** Every append conflicts, reporting the real head. */
    static final class AlwaysConflicting extends Delegating {
        AlwaysConflicting(RecordingStore s) {
            super(s);
        }

        @Override
        public dev.eventfold.core.AppendResult append(dev.eventfold.store.AppendRequest request) {
            inner.appends.incrementAndGet();
            throw new ConcurrencyConflictException(request.aggregate(), request.expectedVersion(),
                    java.util.OptionalLong.of(request.expectedVersion() + 1));
        }
    }

    /** The first append conflicts as if a writer slipped in, the rest go through. */
    static final class ConflictOnce extends Delegating {
        private final AtomicInteger calls = new AtomicInteger();

        ConflictOnce(RecordingStore s) {
            super(s);
        }

        @Override
        public dev.eventfold.core.AppendResult append(dev.eventfold.store.AppendRequest request) {
            if (calls.getAndIncrement() == 0) {
                inner.delegate.appendEvent(request.aggregate(), request.expectedVersion(),
                        NewEvent.builder().eventId("evt-intruder").eventType("Wallet.Funded").build());
            }
            return inner.append(request);
        }
    }

    /** Attempt 1 goes to a stale version; attempt 2 lands but its answer is lost. */
    static final class ConflictThenLose extends Delegating {
        private final AtomicInteger calls = new AtomicInteger();

        ConflictThenLose(RecordingStore s) {
            super(s);
        }

        @Override
        public dev.eventfold.core.AppendResult append(dev.eventfold.store.AppendRequest request) {
            int call = calls.incrementAndGet();
            if (call == 1) {
                return inner.append(request.withExpectedVersion(1)); // cache said 1; the head is at 2
            }
            dev.eventfold.core.AppendResult r = inner.append(request);
            if (call == 2) {
                throw new EventStoreException("TransactWriteItems", EventStoreException.Kind.UNKNOWN_OUTCOME,
                        "lost (injected)", null);
            }
            return r;
        }
    }

    static class Delegating extends dev.eventfold.store.ForwardingEventStore {
        final RecordingStore inner;

        Delegating(RecordingStore inner) {
            super(inner);
            this.inner = inner;
        }
    }
}
