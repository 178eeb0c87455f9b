package dev.eventfold.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProjectorTest {
    final InMemoryEventStore store = new InMemoryEventStore();
    final AggregateRef a = AggregateRef.of("wallet", "a");
    final AggregateRef b = AggregateRef.of("wallet", "b");

    /** The read model: per aggregate, the versions applied in order and a balance. */
    final Map<AggregateRef, List<Long>> applied = new HashMap<>();
    final Map<AggregateRef, Long> balance = new HashMap<>();

    void applyToModel(EventRecord e) {
        applied.computeIfAbsent(e.aggregate(), k -> new ArrayList<>()).add(e.version());
        balance.merge(e.aggregate(), e.payload().get("amount").longValue() * e.version(), Long::sum);
    }

    List<EventRecord> seed(AggregateRef ref, int n) {
        for (int i = 1; i <= n; i++) {
            store.appendEvent(ref, i - 1, NewEvent.builder().eventId(ref.aggregateId() + "-" + i).eventType("Wallet.Funded")
                    .payload(Map.of("amount", i)).build());
        }
        return store.readEvents(EventQuery.of(ref)).toList();
    }

    Projector plain(InMemoryCheckpointStore checkpoints) {
        return Projector.builder("balances", store).handler(checkpoints, this::applyToModel).build();
    }

    Projector transactional(InMemoryCheckpointStore checkpoints) {
        return Projector.builder("balances", store)
                .transactional(checkpoints, e -> List.<Runnable>of(() -> applyToModel(e))).build();
    }

    Map<AggregateRef, Long> inOrderPass(List<EventRecord> events) {
        Map<AggregateRef, Long> expected = new HashMap<>();
        for (EventRecord e : events) {
            expected.merge(e.aggregate(), e.payload().get("amount").longValue() * e.version(), Long::sum);
        }
        return expected;
    }

    @Nested
    class Deliveries {
        @Test
        void duplicated_reordered_and_missing_deliveries_end_in_the_state_of_one_in_order_pass() {
            List<EventRecord> all = new ArrayList<>(seed(a, 12));
            all.addAll(seed(b, 7));
            for (long seed = 1; seed <= 20; seed++) {
                for (boolean tx : new boolean[] {false, true}) {
                    applied.clear();
                    balance.clear();
                    InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
                    Projector p = tx ? transactional(checkpoints) : plain(checkpoints);
                    Random r = new Random(seed);
                    List<EventRecord> deliveries = new ArrayList<>();
                    for (EventRecord e : all) {
                        int copies = r.nextInt(4); // 0 = lost, 2..3 = duplicated
                        for (int i = 0; i < copies; i++) {
                            deliveries.add(e);
                        }
                    }
                    Collections.shuffle(deliveries, r);
                    deliveries.forEach(p::handle);
                    // A queue eventually redelivers the aggregate's last event.
                    p.handle(all.get(11));
                    p.handle(all.get(all.size() - 1));

                    assertThat(balance).isEqualTo(inOrderPass(all));
                    assertThat(applied.get(a)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
                    assertThat(applied.get(b)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
                    assertThat(p.checkpoint(a)).isEqualTo(12);
                    assertThat(p.checkpoint(b)).isEqualTo(7);
                }
            }
        }

        @Test
        void a_duplicate_is_skipped_and_reported_as_already_applied() {
            List<EventRecord> events = seed(a, 2);
            Projector p = plain(new InMemoryCheckpointStore());
            assertThat(p.handle(events.get(0)).outcome()).isEqualTo(ProjectionResult.Outcome.APPLIED);
            ProjectionResult again = p.handle(events.get(0));
            assertThat(again.outcome()).isEqualTo(ProjectionResult.Outcome.ALREADY_APPLIED);
            assertThat(again.applied()).isZero();
            assertThat(applied.get(a)).containsExactly(1L);
        }

        @Test
        void an_event_ahead_of_the_checkpoint_first_applies_the_missing_ones_from_the_store() {
            List<EventRecord> events = seed(a, 5);
            Projector p = plain(new InMemoryCheckpointStore());
            ProjectionResult r = p.handle(events.get(4));
            assertThat(r.applied()).isEqualTo(5);
            assertThat(r.fromStore()).isEqualTo(4);
            assertThat(r.checkpoint()).isEqualTo(5);
            assertThat(applied.get(a)).containsExactly(1L, 2L, 3L, 4L, 5L);
        }

        @Test
        void a_gap_the_store_cannot_fill_applies_nothing_and_fails_the_delivery() {
            seed(a, 1);
            EventRecord ghost = EventRecord.builder().aggregate(a).version(3).eventId("ghost").eventType("Wallet.Funded")
                    .payload(EventJson.toPayload(Map.of("amount", 1))).build();
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            Projector p = transactional(checkpoints);
            assertThatThrownBy(() -> p.handle(ghost)).isInstanceOfSatisfying(ProjectionGapException.class,
                    e -> assertThat(e.missingVersion()).isEqualTo(2));
            // Version 1 was in the store and is applied; version 3 is not.
            assertThat(applied.get(a)).containsExactly(1L);
            assertThat(p.checkpoint(a)).isEqualTo(1);
        }

        @Test
        void catch_up_applies_everything_after_the_checkpoint() {
            seed(a, 4);
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            Projector p = plain(checkpoints);
            assertThat(p.catchUp(a)).isEqualTo(4);
            assertThat(p.catchUp(a)).isZero();
            checkpoints.reset("balances");
            applied.clear();
            assertThat(p.catchUp(a)).isEqualTo(4);
            assertThat(applied.get(a)).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Nested
    class Checkpoints {
        @Test
        void a_transactional_write_does_not_run_when_the_checkpoint_moved() {
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            checkpoints.advance("p", a, 0, 1);
            List<String> ran = new ArrayList<>();
            assertThatThrownBy(() -> checkpoints.advanceWith("p", a, 0, 1, List.of(() -> ran.add("write"))))
                    .isInstanceOf(CheckpointConflictException.class);
            assertThat(ran).isEmpty();
            assertThat(checkpoints.lastApplied("p", a)).isEqualTo(1);
        }

        @Test
        void a_worker_that_loses_a_race_reads_the_checkpoint_again_and_carries_on() {
            List<EventRecord> events = seed(a, 3);
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            List<Long> effects = new ArrayList<>();
            boolean[] raced = {false};
            // Another worker applies version 1 while this one is computing its writes for version 1.
            Projector p = Projector.builder("balances", store).transactional(checkpoints, e -> {
                if (!raced[0]) {
                    raced[0] = true;
                    checkpoints.advanceWith("balances", a, 0, 1, List.of(() -> effects.add(1L)));
                }
                return List.<Runnable>of(() -> effects.add(e.version()));
            }).build();
            ProjectionResult r = p.handle(events.get(1));
            assertThat(effects).containsExactly(1L, 2L);
            assertThat(r.checkpoint()).isEqualTo(2);
        }

        @Test
        void a_transaction_whose_later_write_throws_undoes_the_earlier_writes_and_keeps_the_checkpoint() {
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            Map<String, Long> model = new HashMap<>();
            Runnable first = InMemoryCheckpointStore.write(() -> model.merge("x", 5L, Long::sum),
                    () -> model.merge("x", -5L, Long::sum));
            Runnable second = InMemoryCheckpointStore.write(() -> model.put("y", 1L), () -> model.remove("y"));
            Runnable failing = () -> {
                throw new IllegalStateException("read model refused");
            };
            assertThatThrownBy(() -> checkpoints.advanceWith("p", a, 0, 1, List.of(first, second, failing)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("read model refused");
            assertThat(model).containsExactly(Map.entry("x", 0L));
            assertThat(checkpoints.lastApplied("p", a)).isZero();

            checkpoints.advanceWith("p", a, 0, 1, List.of(first, second));
            assertThat(model).containsEntry("x", 5L).containsEntry("y", 1L);
            assertThat(checkpoints.lastApplied("p", a)).isEqualTo(1);
        }

        @Test
        void a_write_without_undo_that_ran_before_a_failure_is_reported_as_a_partial_write() {
            InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
            List<String> ran = new ArrayList<>();
            IllegalStateException refused = new IllegalStateException("refused");
            assertThatThrownBy(() -> checkpoints.advanceWith("p", a, 0, 1, List.of(() -> ran.add("plain"), () -> {
                throw refused;
            }))).isInstanceOfSatisfying(PartialWriteException.class, e -> {
                assertThat(e.writesKept()).isEqualTo(1);
                assertThat(e.getCause()).isSameAs(refused);
                assertThat(e.projection()).isEqualTo("p");
            });
            assertThat(ran).containsExactly("plain");
            assertThat(checkpoints.lastApplied("p", a)).isZero();
        }
    }
}
