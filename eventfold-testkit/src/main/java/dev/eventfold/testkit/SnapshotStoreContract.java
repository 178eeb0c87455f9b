package dev.eventfold.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.eventfold.aggregate.Snapshot;
import dev.eventfold.aggregate.SnapshotStore;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SnapshotStore} must have. A store's test extends this class and
 * supplies the store; the suite then runs against it unchanged.
 *
 * <pre>{@code
 * class InMemorySnapshotStoreContractTest extends SnapshotStoreContract {
 *     protected SnapshotStore store() { return snapshots; }
 * }
 * }</pre>
 *
 * Every test works on aggregates of its own, so one store (one table) serves the whole class.
 * What a store may do beyond this (refuse an oversized snapshot, prune old ones) is its own.
 */
public abstract class SnapshotStoreContract {

    /** The store under test. */
    protected abstract SnapshotStore store();

    // ---------------------------------------------------------------- helpers

    protected static AggregateRef newAggregate(String type) {
        return AggregateRef.of(type, "id-" + UUID.randomUUID());
    }

    protected static Snapshot snapshot(AggregateRef aggregate, long version, String stateJson) {
        return new Snapshot(aggregate, version, 1, EventJson.parse(stateJson), "2026-11-27T16:05:59.123Z");
    }

    protected static Snapshot snapshot(AggregateRef aggregate, long version) {
        return snapshot(aggregate, version, "{\"balance\": " + version + "}");
    }

    protected long latestVersion(AggregateRef aggregate) {
        return store().latest(aggregate).orElseThrow().version();
    }

    // ---------------------------------------------------------------- save and read

    @Nested
    class SavingAndReading {
        @Test
        void an_aggregate_without_snapshots_has_none() {
            assertThat(store().latest(newAggregate("wallet"))).isEmpty();
        }

        @Test
        void a_saved_snapshot_reads_back_whole() {
            AggregateRef a = newAggregate("wallet");
            Snapshot saved = new Snapshot(a, 7, 3, EventJson.parse("""
                    {"balance": 5000, "owner": "ada", "open": true, "closedAt": null,
                     "limits": [100, 200], "nested": {"a": {"b": []}}, "emptyObject": {}, "text": "héllo ✓ 🎉"}
                    """), "2026-11-27T16:05:59.123Z");

            store().save(saved);

            Snapshot back = store().latest(a).orElseThrow();
            assertThat(back.aggregate()).isEqualTo(a);
            assertThat(back.version()).isEqualTo(7);
            assertThat(back.stateSchemaVersion()).isEqualTo(3);
            assertThat(back.takenAt()).isEqualTo("2026-11-27T16:05:59.123Z");
            assertThat(EventJson.equivalent(back.state(), saved.state())).as(back.state().toString()).isTrue();
            assertThat(back.state().get("closedAt").isNull()).isTrue();
            assertThat(back.state().get("nested").get("a").get("b").isArray()).isTrue();
        }

        @Test
        void a_snapshot_without_taken_at_reads_back_without_it() {
            AggregateRef a = newAggregate("wallet");

            store().save(new Snapshot(a, 1, 1, EventJson.parse("{\"n\": 1}"), null));

            assertThat(store().latest(a).orElseThrow().takenAt()).isNull();
        }

        @Test
        void a_state_may_be_any_json_value() {
            List<JsonNode> states = List.of(EventJson.parse("[1, \"two\", {\"three\": 3}]"), EventJson.parse("\"text\""),
                    EventJson.parse("42"), EventJson.parse("true"), NullNode.getInstance());
            for (JsonNode state : states) {
                AggregateRef a = newAggregate("any");

                store().save(new Snapshot(a, 1, 1, state, null));

                JsonNode back = store().latest(a).orElseThrow().state();
                assertThat(EventJson.equivalent(back, state)).as(state + " read back as " + back).isTrue();
            }
        }

        @Test
        void large_and_exact_numbers_keep_their_value() {
            AggregateRef a = newAggregate("numbers");
            store().save(snapshot(a, 1, """
                    {"long": 9007199254740993, "big": 12345678901234567890123456789012345678,
                     "exact": 0.1000000000000000055511151231257827, "negative": -7, "decimal": 2.5}
                    """));

            JsonNode back = store().latest(a).orElseThrow().state();

            assertThat(back.get("long").bigIntegerValue()).isEqualTo(new BigInteger("9007199254740993"));
            assertThat(back.get("big").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890123456789012345678"));
            assertThat(back.get("exact").decimalValue()).isEqualByComparingTo(new BigDecimal("0.1000000000000000055511151231257827"));
            assertThat(back.get("negative").longValue()).isEqualTo(-7);
            assertThat(back.get("decimal").decimalValue()).isEqualByComparingTo("2.5");
        }

        @Test
        void snapshots_are_kept_per_aggregate() {
            AggregateRef a = newAggregate("wallet");
            AggregateRef b = newAggregate("wallet");
            AggregateRef sameIdOtherType = AggregateRef.of("order", a.aggregateId());

            store().save(snapshot(a, 5));
            store().save(snapshot(b, 2));

            assertThat(latestVersion(a)).isEqualTo(5);
            assertThat(store().latest(a).orElseThrow().aggregate()).isEqualTo(a);
            assertThat(latestVersion(b)).isEqualTo(2);
            assertThat(store().latest(sameIdOtherType)).isEmpty();
            assertThat(store().latest(AggregateRef.of("wallet", a.aggregateId() + "x"))).isEmpty();
        }
    }

    // ---------------------------------------------------------------- which one is latest

    @Nested
    class Latest {
        @Test
        void the_latest_is_the_snapshot_with_the_highest_version_whatever_the_order_of_saves() {
            AggregateRef a = newAggregate("wallet");

            store().save(snapshot(a, 3));
            store().save(snapshot(a, 7));
            store().save(snapshot(a, 5));

            Snapshot latest = store().latest(a).orElseThrow();
            assertThat(latest.version()).isEqualTo(7);
            assertThat(latest.state().get("balance").longValue()).isEqualTo(7);
        }

        @Test
        void versions_are_ordered_as_numbers_not_as_text() {
            AggregateRef a = newAggregate("wallet");

            for (long v : new long[] {9, 100, 10, 99}) {
                store().save(snapshot(a, v));
            }

            assertThat(latestVersion(a)).isEqualTo(100);
        }

        @Test
        void every_later_save_becomes_the_latest() {
            AggregateRef a = newAggregate("wallet");
            for (long v = 1; v <= 6; v++) {
                store().save(snapshot(a, v));

                assertThat(latestVersion(a)).isEqualTo(v);
            }
        }

        @Test
        void saving_at_a_version_that_has_a_snapshot_replaces_it() {
            AggregateRef a = newAggregate("wallet");
            store().save(new Snapshot(a, 4, 1, EventJson.parse("{\"balance\": 1}"), "2026-01-01T00:00:00.000Z"));

            store().save(new Snapshot(a, 4, 2, EventJson.parse("{\"cents\": 100}"), "2026-01-02T00:00:00.000Z"));

            Snapshot latest = store().latest(a).orElseThrow();
            assertThat(latest.version()).isEqualTo(4);
            assertThat(latest.stateSchemaVersion()).isEqualTo(2);
            assertThat(latest.takenAt()).isEqualTo("2026-01-02T00:00:00.000Z");
            assertThat(EventJson.equivalent(latest.state(), EventJson.parse("{\"cents\": 100}"))).isTrue();
        }

        @Test
        void the_first_and_the_last_possible_versions_can_be_saved() {
            AggregateRef a = newAggregate("wallet");

            store().save(snapshot(a, 1));
            assertThat(latestVersion(a)).isEqualTo(1);
            store().save(snapshot(a, Keys.MAX_VERSION));
            assertThat(latestVersion(a)).isEqualTo(Keys.MAX_VERSION);
        }

        @Test
        void snapshots_saved_at_once_by_several_threads_leave_the_highest_as_latest() throws Exception {
            AggregateRef a = newAggregate("wallet");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> saves = LongStream.rangeClosed(1, 12)
                        .mapToObj(v -> pool.submit(() -> store().save(snapshot(a, v)))).<Future<?>>map(f -> f).toList();
                for (Future<?> f : saves) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(latestVersion(a)).isEqualTo(12);
            assertThat(store().latest(a).orElseThrow().state().get("balance").longValue()).isEqualTo(12);
        }
    }
}
