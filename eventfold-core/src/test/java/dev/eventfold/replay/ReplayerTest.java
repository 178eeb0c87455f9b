package dev.eventfold.replay;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.internal.retry.RateLimiter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.InMemoryEventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayerTest {
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00.000Z");

    final InMemoryEventStore store = new InMemoryEventStore(Clock.fixed(T0, ZoneOffset.UTC));
    final AggregateRef a = AggregateRef.of("wallet", "a");
    final AggregateRef b = AggregateRef.of("wallet", "b");
    final AggregateRef c = AggregateRef.of("order", "c");

    /** Every batch the sink received, in order. */
    final List<List<EventRecord>> batches = Collections.synchronizedList(new ArrayList<>());
    final ReplaySink sink = events -> {
        batches.add(events);
        return ReplaySink.Result.OK;
    };

    ReplayerTest() {
        seed(a, "t-1", 12, "Wallet.Funded");
        seed(b, "t-1", 3, "Wallet.Closed");
        seed(c, "t-2", 4, "Order.Placed");
    }

    /** Appends n events, one minute apart starting at T0. */
    void seed(AggregateRef ref, String tenant, int n, String type) {
        for (int i = 1; i <= n; i++) {
            store.appendEvent(ref, i - 1, NewEvent.builder().eventId(ref.aggregateId() + "-" + i).eventType(type)
                    .tenantId(tenant).occurredAt(T0.plus(Duration.ofMinutes(i))).payload(Map.of("n", i)).build());
        }
    }

    List<EventRecord> published() {
        return batches.stream().flatMap(List::stream).toList();
    }

    List<String> publishedIds() {
        return published().stream().map(EventRecord::eventId).toList();
    }

    @Nested
    class Selectors {
        @Test
        void by_aggregate_republishes_its_events_in_version_order_with_meta_replay() {
            ReplayReport r = Replayer.builder(store).sink(sink).build().run(ReplaySelector.aggregate(a));
            assertThat(published()).extracting(EventRecord::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(published()).allSatisfy(e -> {
                assertThat(e.meta().isReplay()).isTrue();
                assertThat(EventItems.toMessageJson(e).get("meta").get("replay").booleanValue()).isTrue();
            });
            assertThat(batches).extracting(List::size).containsExactly(10, 2);
            assertThat(r.published()).isEqualTo(12);
            assertThat(r.completed()).isTrue();
            assertThat(r.exitCode()).isZero();
        }

        @Test
        void by_aggregate_takes_a_version_range() {
            Replayer.builder(store).sink(sink).build().run(ReplaySelector.aggregate(a).versions(4, 6));
            assertThat(publishedIds()).containsExactly("a-5", "a-6");
        }

        @Test
        void by_tenant_republishes_every_aggregate_of_the_tenant() {
            ReplayReport r = Replayer.builder(store).sink(sink).build().run(ReplaySelector.tenant("t-1"));
            assertThat(published()).extracting(EventRecord::aggregateId).containsOnly("a", "b");
            assertThat(r.published()).isEqualTo(15);
            assertThat(r.countsByType()).containsEntry("Wallet.Funded", 12L).containsEntry("Wallet.Closed", 3L);
            assertThat(published()).allSatisfy(e -> assertThat(e.meta().isReplay()).isTrue());
        }

        @Test
        void by_type_and_time_scans_every_segment_and_keeps_what_matches() {
            ReplaySelector sel = ReplaySelector.eventTypes(Set.of("Wallet.Funded", "Order.Placed"),
                    T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(5)), 3);
            ReplayReport r = Replayer.builder(store).sink(sink).scanSource(new InMemoryScanSource(store, 2))
                    .parallelism(3).build().run(sel);
            assertThat(publishedIds()).containsExactlyInAnyOrder("a-3", "a-4", "c-3", "c-4");
            assertThat(published()).allSatisfy(e -> assertThat(e.meta().isReplay()).isTrue());
            assertThat(r.completed()).isTrue();
        }

        @Test
        void by_type_without_a_scan_source_is_refused() {
            Replayer replayer = Replayer.builder(store).sink(sink).build();
            assertThatThrownBy(() -> replayer.run(ReplaySelector.eventTypes(Set.of(), null, null, 1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("scanSource");
        }
    }

    @Nested
    class SkippedItems {
        /** The in-memory table plus one corrupt event item (no eventType) in segment 0's first page. */
        ScanSource withCorruptItem() {
            InMemoryScanSource items = new InMemoryScanSource(store);
            return (segment, total, cursor, filter) -> {
                var page = items.scan(segment, total, cursor, filter);
                if (segment != 0 || cursor != null) {
                    return page;
                }
                List<com.fasterxml.jackson.databind.node.ObjectNode> data = new ArrayList<>(page.data());
                var corrupt = EventJson.mapper().createObjectNode().put("pk", "AGG#wallet#z").put("sk", "EVT#000000001")
                        .put("itemType", "event").put("version", 1).put("aggregateType", "wallet").put("aggregateId", "z");
                data.add(0, corrupt);
                return new dev.eventfold.core.Page<>(data, page.cursor());
            };
        }

        @Test
        void a_complete_replay_that_skipped_corrupt_items_exits_non_zero() {
            ReplayReport r = Replayer.builder(store).sink(sink).scanSource(withCorruptItem()).build()
                    .run(ReplaySelector.eventTypes(Set.of(), null, null, 1));
            assertThat(r.completed()).isTrue();
            assertThat(r.failures()).isEmpty();
            assertThat(r.skippedMalformed()).isEqualTo(1);
            assertThat(r.published()).isEqualTo(19);
            assertThat(r.exitCode()).isEqualTo(ReplayReport.EXIT_SKIPPED_MALFORMED).isEqualTo(3);
            assertThat(r.summary()).contains("1 malformed items skipped");
        }

        @Test
        void a_dry_run_that_would_skip_corrupt_items_says_so_too() {
            ReplayReport r = Replayer.builder(store).scanSource(withCorruptItem()).build()
                    .dryRun(ReplaySelector.eventTypes(Set.of(), null, null, 1));
            assertThat(r.exitCode()).isEqualTo(ReplayReport.EXIT_SKIPPED_MALFORMED);
        }

        @Test
        void failures_win_over_skipped_items_and_a_clean_run_exits_zero() {
            ReplayReport failed = new ReplayReport("s", false, 2, 1, List.of(new ReplaySink.Failure("e", "x")), 1, false,
                    Duration.ZERO, Map.of(), null);
            ReplayReport clean = new ReplayReport("s", false, 2, 2, List.of(), 0, true, Duration.ZERO, Map.of(), null);
            assertThat(failed.exitCode()).isEqualTo(ReplayReport.EXIT_INCOMPLETE);
            assertThat(clean.exitCode()).isEqualTo(ReplayReport.EXIT_OK);
        }
    }

    @Nested
    class DryRunRateAndProgress {
        @Test
        void a_dry_run_only_counts() {
            ReplayReport r = Replayer.builder(store).build().dryRun(ReplaySelector.tenant("t-1"));
            assertThat(batches).isEmpty();
            assertThat(r.dryRun()).isTrue();
            assertThat(r.matched()).isEqualTo(15);
            assertThat(r.published()).isZero();
            assertThat(r.summary()).contains("would publish 15");
        }

        @Test
        void the_rate_limit_spaces_batches_on_the_injected_clock() {
            AtomicLong now = new AtomicLong();
            List<Duration> sleeps = new ArrayList<>();
            Replayer replayer = Replayer.builder(store).sink(sink).rateLimit(5).batchSize(2)
                    .nanoTime(now::get).sleeper(d -> {
                        sleeps.add(d);
                        now.addAndGet(d.toNanos());
                    }).build();
            ReplayReport r = replayer.run(ReplaySelector.aggregate(a));
            // 12 events at 5/s: the first batch goes at once, each later batch of 2 waits 0.4 s.
            assertThat(sleeps).hasSize(5).containsOnly(Duration.ofMillis(400));
            assertThat(r.elapsed()).isEqualTo(Duration.ofSeconds(2));
            assertThat(r.published()).isEqualTo(12);
        }

        @Test
        void progress_is_reported_after_every_batch_with_an_estimate_for_an_aggregate() {
            List<ReplayProgress> seen = new ArrayList<>();
            Replayer.builder(store).sink(sink).batchSize(5).progress(seen::add).build().run(ReplaySelector.aggregate(a));
            assertThat(seen).extracting(ReplayProgress::published).containsExactly(5L, 10L, 12L);
            assertThat(seen).allSatisfy(p -> assertThat(p.estimatedTotal()).hasValue(12));
        }

        @Test
        void bad_settings_fail_at_build() {
            assertThatThrownBy(() -> Replayer.builder(store).batchSize(11).build()).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Replayer.builder(store).rateLimit(-1).build()).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Replayer.builder(store).parallelism(0).build()).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Replayer.builder(store).build().run(ReplaySelector.aggregate(a)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("sink");
        }
    }

    @Nested
    class Resuming {
        final ReplayCheckpointStore checkpoints = ReplayCheckpointStore.inMemory();

        /** Fails the event with this id once, then accepts everything. */
        ReplaySink failingOnce(String eventId) {
            boolean[] failed = {false};
            return events -> {
                batches.add(events);
                for (EventRecord e : events) {
                    if (e.eventId().equals(eventId) && !failed[0]) {
                        failed[0] = true;
                        return new ReplaySink.Result(List.of(new ReplaySink.Failure(eventId, "Throttled")));
                    }
                }
                return ReplaySink.Result.OK;
            };
        }

        @Test
        void a_failed_batch_stops_the_replay_and_a_rerun_resumes_at_the_failed_event() {
            ReplaySink flaky = failingOnce("a-7");
            Replayer replayer = Replayer.builder(store).sink(flaky).batchSize(4).checkpoints(checkpoints, "r1").build();
            ReplayReport first = replayer.run(ReplaySelector.aggregate(a));
            assertThat(first.completed()).isFalse();
            assertThat(first.exitCode()).isEqualTo(1);
            assertThat(first.failures()).extracting(ReplaySink.Failure::eventId).containsExactly("a-7");
            assertThat(checkpoints.load("r1")).get().satisfies(cp -> assertThat(cp.lane(0).lastSk()).isEqualTo("EVT#000000006"));

            batches.clear();
            ReplayReport second = replayer.run(ReplaySelector.aggregate(a));
            assertThat(second.completed()).isTrue();
            assertThat(publishedIds()).containsExactly("a-7", "a-8", "a-9", "a-10", "a-11", "a-12");
            assertThat(checkpoints.load("r1")).isEmpty();
        }

        @Test
        void a_tenant_replay_resumes_inside_the_aggregate_where_it_stopped() {
            Replayer replayer = Replayer.builder(store).sink(failingOnce("b-2")).batchSize(1).checkpoints(checkpoints, "r2").build();
            assertThat(replayer.run(ReplaySelector.tenant("t-1")).completed()).isFalse();
            batches.clear();
            assertThat(replayer.run(ReplaySelector.tenant("t-1")).completed()).isTrue();
            assertThat(publishedIds()).containsExactly("b-2", "b-3");
        }

        @Test
        void a_scan_replay_resumes_each_segment_where_it_stopped() {
            ReplaySelector sel = ReplaySelector.eventTypes(Set.of(), null, null, 2);
            Replayer replayer = Replayer.builder(store).sink(failingOnce("a-9")).batchSize(3)
                    .scanSource(new InMemoryScanSource(store, 5)).checkpoints(checkpoints, "r3").build();
            ReplayReport first = replayer.run(sel);
            assertThat(first.completed()).isFalse();
            List<String> firstIds = new ArrayList<>(publishedIds());
            batches.clear();
            ReplayReport second = replayer.run(sel);
            assertThat(second.completed()).isTrue();
            List<String> all = new ArrayList<>(firstIds);
            all.addAll(publishedIds());
            // Every event went out at least once, a-9 after its failure; nothing before the checkpoint twice.
            assertThat(all).containsAll(List.of("a-1", "a-12", "b-1", "b-3", "c-1", "c-4", "a-9"));
            assertThat(publishedIds()).contains("a-9").doesNotContain("a-1", "a-8");
        }

        @Test
        void a_checkpoint_of_another_selection_is_refused() {
            Replayer replayer = Replayer.builder(store).sink(failingOnce("a-2")).batchSize(1).checkpoints(checkpoints, "r4").build();
            replayer.run(ReplaySelector.aggregate(a));
            assertThatThrownBy(() -> replayer.run(ReplaySelector.tenant("t-1")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("another selection");
        }

        @Test
        void checkpoints_survive_a_round_trip_through_a_file(@TempDir Path dir) {
            FileReplayCheckpointStore files = new FileReplayCheckpointStore(dir);
            ReplayCheckpoint cp = new ReplayCheckpoint("tenant t-1", Map.of(0, new ReplayCheckpoint.Lane("cur", "AGG#wallet#a", "EVT#000000003", false),
                    1, ReplayCheckpoint.Lane.START.finished()));
            files.save("r5", cp);
            assertThat(files.load("r5")).contains(cp);
            files.delete("r5");
            assertThat(files.load("r5")).isEmpty();
            assertThatThrownBy(() -> files.save("../x", cp)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void the_rate_limiter_keeps_the_average_rate_across_callers() throws Exception {
        AtomicLong now = new AtomicLong();
        List<Duration> sleeps = new ArrayList<>();
        RateLimiter limiter = RateLimiter.of(100, now::get, d -> sleeps.add(d));
        limiter.acquire(10);
        limiter.acquire(10);
        limiter.acquire(10);
        // Nobody advanced time: the callers are owed 100 ms and 200 ms.
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        sleeps.clear();
        limiter.acquire(10);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void time_lost_between_calls_is_made_up_for_but_at_most_one_second() throws Exception {
        AtomicLong now = new AtomicLong();
        List<Duration> sleeps = new ArrayList<>();
        RateLimiter limiter = RateLimiter.of(10, now::get, d -> {
            sleeps.add(d);
            now.addAndGet(d.toNanos());
        });
        limiter.acquire(5);                               // slot at 0, the next one at 0.5 s
        now.addAndGet(Duration.ofMillis(800).toNanos());  // a slow page read
        limiter.acquire(5);                               // 0.3 s late: goes at once, the next slot is 1.0 s
        assertThat(sleeps).isEmpty();
        limiter.acquire(5);                               // waits only for the rest of its slot
        limiter.acquire(5);
        assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(500));
        now.addAndGet(Duration.ofSeconds(60).toNanos()); // a long pause earns one second, not sixty
        sleeps.clear();
        for (int i = 0; i < 4; i++) {
            limiter.acquire(5);
        }
        // One second of credit (10 permits) plus the current slot go at once; then the rate holds.
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    }
}
