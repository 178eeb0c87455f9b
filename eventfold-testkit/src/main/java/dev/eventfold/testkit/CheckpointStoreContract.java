package dev.eventfold.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.projection.CheckpointConflictException;
import dev.eventfold.projection.CheckpointStore;
import dev.eventfold.projection.TransactionalCheckpointStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CheckpointStore} must have. A store's test extends this class (or
 * {@link Transactional} for a {@link TransactionalCheckpointStore}) and supplies the store and
 * its hooks; the suite then runs against it unchanged.
 *
 * <pre>{@code
 * class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract.Transactional<Runnable> {
 *     ...
 * }
 * }</pre>
 *
 * Every test works on projections and aggregates of its own, so one store (one table) serves
 * the whole class.
 */
public abstract class CheckpointStoreContract {

    /** The store under test. */
    protected abstract CheckpointStore store();

    /** Forgets every checkpoint of {@code projection} (both stores offer {@code reset}; it is not on the interface). */
    protected abstract void reset(String projection);

    /** Requests sent to the backing service so far (0 forever for a store that sends none). */
    protected abstract long requestsSent();

    // ---------------------------------------------------------------- helpers

    protected static String newProjection() {
        return "proj-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static AggregateRef newAggregate(String type) {
        return AggregateRef.of(type, "id-" + UUID.randomUUID());
    }

    /** Runs every task at once (released together) and returns what each returned or threw. */
    protected static List<Object> race(List<Callable<Object>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Object> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return task.call();
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : futures) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- reading and advancing

    @Nested
    class Advancing {
        @Test
        void a_projection_that_applied_nothing_of_an_aggregate_is_at_zero() {
            assertThat(store().lastApplied(newProjection(), newAggregate("wallet"))).isZero();
        }

        @Test
        void each_advance_moves_the_checkpoint_from_the_expected_version_to_the_new_one() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");

            store().advance(p, a, 0, 3);
            assertThat(store().lastApplied(p, a)).isEqualTo(3);
            store().advance(p, a, 3, 4);
            assertThat(store().lastApplied(p, a)).isEqualTo(4);
            store().advance(p, a, 4, 10);
            assertThat(store().lastApplied(p, a)).isEqualTo(10);
        }

        @Test
        void the_highest_version_is_a_valid_checkpoint() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");

            store().advance(p, a, 0, Keys.MAX_VERSION - 1);
            store().advance(p, a, Keys.MAX_VERSION - 1, Keys.MAX_VERSION);

            assertThat(store().lastApplied(p, a)).isEqualTo(Keys.MAX_VERSION);
        }

        @Test
        void checkpoints_are_kept_per_projection_and_aggregate() {
            String p1 = newProjection();
            String p2 = newProjection();
            AggregateRef a = newAggregate("wallet");
            AggregateRef b = newAggregate("wallet");
            AggregateRef sameIdOtherType = AggregateRef.of("order", a.aggregateId());

            store().advance(p1, a, 0, 3);
            store().advance(p2, a, 0, 5);
            store().advance(p1, b, 0, 1);

            assertThat(store().lastApplied(p1, a)).isEqualTo(3);
            assertThat(store().lastApplied(p2, a)).isEqualTo(5);
            assertThat(store().lastApplied(p1, b)).isEqualTo(1);
            assertThat(store().lastApplied(p2, b)).isZero();
            assertThat(store().lastApplied(p1, sameIdOtherType)).isZero();
            assertThat(store().lastApplied(p1 + "x", a)).isZero();
        }
    }

    @Nested
    class Conflicts {
        @Test
        void a_stale_expected_version_is_a_conflict_naming_it_and_the_checkpoint_stays() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");
            store().advance(p, a, 0, 4);

            assertThatThrownBy(() -> store().advance(p, a, 3, 5))
                    .isInstanceOfSatisfying(CheckpointConflictException.class, e -> {
                        assertThat(e.projection()).isEqualTo(p);
                        assertThat(e.aggregate()).isEqualTo(a);
                        assertThat(e.expectedVersion()).isEqualTo(3);
                    });
            assertThat(store().lastApplied(p, a)).isEqualTo(4);
        }

        @Test
        void expecting_nothing_applied_when_something_was_is_a_conflict() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");
            store().advance(p, a, 0, 1);

            assertThatThrownBy(() -> store().advance(p, a, 0, 1)).isInstanceOf(CheckpointConflictException.class);
            assertThatThrownBy(() -> store().advance(p, a, 0, 2)).isInstanceOf(CheckpointConflictException.class);
            assertThat(store().lastApplied(p, a)).isEqualTo(1);
        }

        @Test
        void expecting_a_version_ahead_of_the_checkpoint_is_a_conflict() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");

            assertThatThrownBy(() -> store().advance(p, a, 2, 3)).isInstanceOf(CheckpointConflictException.class);
            assertThat(store().lastApplied(p, a)).isZero();
            store().advance(p, a, 0, 2);
            assertThatThrownBy(() -> store().advance(p, a, 5, 6)).isInstanceOf(CheckpointConflictException.class);
            assertThat(store().lastApplied(p, a)).isEqualTo(2);
        }

        @Test
        void of_workers_racing_from_the_same_version_exactly_one_advances() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");
            store().advance(p, a, 0, 1);
            List<Callable<Object>> workers = IntStream.rangeClosed(2, 7).<Callable<Object>>mapToObj(v -> () -> {
                store().advance(p, a, 1, v);
                return v;
            }).toList();

            List<Object> outcomes = race(workers);

            List<Object> winners = outcomes.stream().filter(o -> o instanceof Integer).toList();
            assertThat(winners).hasSize(1);
            assertThat(outcomes).filteredOn(o -> !(o instanceof Integer)).hasSize(5)
                    .allSatisfy(o -> assertThat(o).isInstanceOf(CheckpointConflictException.class));
            assertThat(store().lastApplied(p, a)).isEqualTo(((Integer) winners.get(0)).longValue());
        }
    }

    @Nested
    class Resetting {
        @Test
        void reset_forgets_every_checkpoint_of_one_projection_and_no_other() {
            String p = newProjection();
            String other = newProjection();
            AggregateRef a = newAggregate("wallet");
            AggregateRef b = newAggregate("wallet");
            store().advance(p, a, 0, 2);
            store().advance(p, b, 0, 1);
            store().advance(p + "2", a, 0, 7);   // a name that starts like the reset one
            store().advance(other, a, 0, 5);

            reset(p);

            assertThat(store().lastApplied(p, a)).isZero();
            assertThat(store().lastApplied(p, b)).isZero();
            assertThat(store().lastApplied(p + "2", a)).isEqualTo(7);
            assertThat(store().lastApplied(other, a)).isEqualTo(5);
        }

        @Test
        void a_reset_projection_starts_again_from_zero() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");
            store().advance(p, a, 0, 4);

            reset(p);
            store().advance(p, a, 0, 1);

            assertThat(store().lastApplied(p, a)).isEqualTo(1);
            assertThatThrownBy(() -> store().advance(p, a, 4, 5)).isInstanceOf(CheckpointConflictException.class);
        }
    }

    @Nested
    class BadInput {
        @Test
        void every_bad_input_is_refused_before_any_request_and_the_checkpoint_stays() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");
            store().advance(p, a, 0, 3);
            long requests = requestsSent();

            List<Runnable> attempts = List.of(
                    () -> store().advance(p, a, 3, 3),                       // not after the expected version
                    () -> store().advance(p, a, 3, 2),
                    () -> store().advance(p, a, 3, 0),
                    () -> store().advance(p, a, 3, -1),
                    () -> store().advance(p, a, 3, Keys.MAX_VERSION + 1),    // beyond the 9-digit sort key
                    () -> store().advance(p, a, -1, 1),                      // no checkpoint is ever below 0
                    () -> store().advance(" ", a, 0, 1),
                    () -> store().advance("", a, 0, 1),
                    () -> store().advance(null, a, 0, 1),
                    () -> store().lastApplied(" ", a),
                    () -> store().lastApplied(null, a));

            for (Runnable attempt : attempts) {
                assertThatThrownBy(attempt::run).isInstanceOf(InvalidInputException.class);
            }
            assertThat(requestsSent()).isEqualTo(requests);
            assertThat(store().lastApplied(p, a)).isEqualTo(3);
        }

        @Test
        void a_version_that_is_not_after_the_expected_one_is_refused_naming_new_version() {
            String p = newProjection();
            AggregateRef a = newAggregate("wallet");

            assertThatThrownBy(() -> store().advance(p, a, 0, 0))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("newVersion"));
            assertThat(store().lastApplied(p, a)).isZero();
        }
    }

    // ---------------------------------------------------------------- transactions

    /**
     * The contract of a {@link TransactionalCheckpointStore}: everything above, plus writes
     * committed with the checkpoint, all or nothing. {@code W} is the store's write type; the
     * hooks make writes that mark a read model, and one the read model refuses.
     */
    public abstract static class Transactional<W> extends CheckpointStoreContract {

        @Override
        protected abstract TransactionalCheckpointStore<W> store();

        /** A write that, once committed, leaves {@code mark} in the read model. */
        protected abstract W mark(String mark);

        /** A write the read model refuses (its transaction must then fail whole). */
        protected abstract W refusedWrite();

        /** Whether {@code mark} is in the read model. */
        protected abstract boolean isMarked(String mark);

        protected static String newMark() {
            return "mark-" + UUID.randomUUID();
        }

        @Nested
        class Transactions {
            @Test
            void an_advance_with_writes_commits_every_write_and_the_checkpoint() {
                String p = newProjection();
                AggregateRef a = newAggregate("wallet");
                String m1 = newMark();
                String m2 = newMark();

                store().advanceWith(p, a, 0, 2, List.of(mark(m1), mark(m2)));

                assertThat(isMarked(m1)).isTrue();
                assertThat(isMarked(m2)).isTrue();
                assertThat(store().lastApplied(p, a)).isEqualTo(2);
            }

            @Test
            void a_stale_advance_with_writes_is_a_conflict_that_writes_neither_them_nor_the_checkpoint() {
                String p = newProjection();
                AggregateRef a = newAggregate("wallet");
                store().advance(p, a, 0, 1);
                String m = newMark();

                assertThatThrownBy(() -> store().advanceWith(p, a, 0, 1, List.of(mark(m))))
                        .isInstanceOfSatisfying(CheckpointConflictException.class, e -> {
                            assertThat(e.projection()).isEqualTo(p);
                            assertThat(e.aggregate()).isEqualTo(a);
                            assertThat(e.expectedVersion()).isZero();
                        });

                assertThat(isMarked(m)).isFalse();
                assertThat(store().lastApplied(p, a)).isEqualTo(1);
            }

            @Test
            void a_refused_write_cancels_the_whole_transaction_and_a_retry_without_it_commits() {
                String p = newProjection();
                AggregateRef a = newAggregate("wallet");
                store().advance(p, a, 0, 1);
                String before = newMark();
                String after = newMark();

                assertThatThrownBy(() -> store().advanceWith(p, a, 1, 2, List.of(mark(before), refusedWrite(), mark(after))))
                        .isInstanceOf(RuntimeException.class)
                        .isNotInstanceOf(CheckpointConflictException.class);

                assertThat(isMarked(before)).isFalse();
                assertThat(isMarked(after)).isFalse();
                assertThat(store().lastApplied(p, a)).isEqualTo(1);

                store().advanceWith(p, a, 1, 2, List.of(mark(before), mark(after)));
                assertThat(isMarked(before)).isTrue();
                assertThat(isMarked(after)).isTrue();
                assertThat(store().lastApplied(p, a)).isEqualTo(2);
            }

            @Test
            void an_advance_with_no_writes_is_a_plain_advance() {
                String p = newProjection();
                AggregateRef a = newAggregate("wallet");

                store().advanceWith(p, a, 0, 3, List.of());

                assertThat(store().lastApplied(p, a)).isEqualTo(3);
                assertThatThrownBy(() -> store().advanceWith(p, a, 0, 4, List.of()))
                        .isInstanceOf(CheckpointConflictException.class);
                assertThat(store().lastApplied(p, a)).isEqualTo(3);
            }

            @Test
            void a_bad_version_is_refused_before_any_request_and_nothing_is_written() {
                String p = newProjection();
                AggregateRef a = newAggregate("wallet");
                store().advance(p, a, 0, 2);
                String m = newMark();
                long requests = requestsSent();

                for (long[] versions : new long[][] {{2, 2}, {2, 1}, {-1, 1}, {2, Keys.MAX_VERSION + 1}}) {
                    assertThatThrownBy(() -> store().advanceWith(p, a, versions[0], versions[1], List.of(mark(m))))
                            .isInstanceOf(InvalidInputException.class);
                }
                assertThatThrownBy(() -> store().advanceWith(" ", a, 2, 3, List.of(mark(m))))
                        .isInstanceOf(InvalidInputException.class);

                assertThat(requestsSent()).isEqualTo(requests);
                assertThat(isMarked(m)).isFalse();
                assertThat(store().lastApplied(p, a)).isEqualTo(2);
            }

            @Test
            void of_workers_racing_with_writes_exactly_one_commits_and_only_its_writes_land() {
                String p = newProjection();
                AggregateRef a = newAggregate("wallet");
                List<String> marks = IntStream.range(0, 6).mapToObj(i -> newMark()).toList();
                List<Callable<Object>> workers = marks.stream().<Callable<Object>>map(m -> () -> {
                    store().advanceWith(p, a, 0, 1, List.of(mark(m)));
                    return m;
                }).toList();

                List<Object> outcomes = race(workers);

                List<Object> winners = outcomes.stream().filter(o -> o instanceof String).toList();
                assertThat(winners).hasSize(1);
                // A loser sees the conflict, or (DynamoDB) a transaction cancelled by the winner's, to retry.
                assertThat(outcomes).filteredOn(o -> !(o instanceof String)).hasSize(5).allSatisfy(o -> assertThat(
                        o instanceof CheckpointConflictException
                                || o instanceof EventStoreException e && e.isRetryable()).as(String.valueOf(o)).isTrue());
                assertThat(marks).filteredOn(m -> isMarked(m)).containsExactly((String) winners.get(0));
                assertThat(store().lastApplied(p, a)).isEqualTo(1);
            }
        }
    }
}
