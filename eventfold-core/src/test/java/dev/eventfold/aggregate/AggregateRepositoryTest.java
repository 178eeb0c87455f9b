package dev.eventfold.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.aggregate.Wallets.Wallet;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.store.InMemoryEventStore;
import dev.eventfold.upcast.Upcasters;
import dev.eventfold.upcast.UpcastingEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AggregateRepositoryTest {
    final InMemoryEventStore store = new InMemoryEventStore();
    final AggregateRef wal = AggregateRef.of(Wallets.TYPE, "wal_1");

    static NewEvent funded(String id, long amount) {
        return NewEvent.builder().eventId(id).eventType("Wallet.Funded").payload(Map.of("amount", amount)).build();
    }

    static NewEvent withdrawn(String id, long amount) {
        return NewEvent.builder().eventId(id).eventType("Wallet.Withdrawn").payload(Map.of("amount", amount)).build();
    }

    /** Appends {@code n} random events, a few per append. */
    void appendRandom(AggregateRef ref, int n, long seed) {
        Random r = new Random(seed);
        long v = store.currentVersion(ref);
        int i = 0;
        while (i < n) {
            int k = Math.min(n - i, 1 + r.nextInt(4));
            List<NewEvent> batch = new ArrayList<>();
            for (int j = 0; j < k; j++, i++) {
                batch.add(r.nextInt(3) == 0 ? withdrawn("evt-" + seed + "-" + i, r.nextInt(50))
                        : funded("evt-" + seed + "-" + i, r.nextInt(100)));
            }
            v = store.appendEvents(ref, v, batch).version();
        }
    }

    @Nested
    class Folding {
        @Test
        void an_aggregate_without_events_is_its_initial_state_at_version_zero() {
            AggregateState<Wallet> s = AggregateRepository.builder(store, Wallets.type()).build().load("wal_1");
            assertThat(s.state()).isEqualTo(Wallet.EMPTY);
            assertThat(s.version()).isZero();
            assertThat(s.isNew()).isTrue();
        }

        @Test
        void the_state_is_the_fold_of_every_event_in_version_order() {
            store.appendEvents(wal, 0, List.of(funded("e1", 100), withdrawn("e2", 30)));
            store.appendEvent(wal, 2, funded("e3", 5));
            AggregateState<Wallet> s = AggregateRepository.builder(store, Wallets.type()).build().load(wal);
            assertThat(s.state()).isEqualTo(new Wallet(75, 3));
            assertThat(s.version()).isEqualTo(3);
            assertThat(s.eventsFolded()).isEqualTo(3);
            assertThat(s.snapshotVersion()).isZero();
        }

        @Test
        void an_aggregate_of_another_type_is_refused() {
            var repo = AggregateRepository.builder(store, Wallets.type()).build();
            assertThatThrownBy(() -> repo.load(AggregateRef.of("order", "o1")))
                    .isInstanceOf(InvalidInputException.class);
        }

        @Test
        void a_type_with_snapshots_needs_a_snapshot_store() {
            assertThatThrownBy(() -> AggregateRepository.builder(store, Wallets.snapshotted(5)).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("snapshotStore");
        }
    }

    @Nested
    class Snapshots {
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

        @Test
        void state_from_snapshot_plus_tail_equals_state_from_all_events() {
            for (int every : new int[] {1, 3, 7, 50}) {
                for (long seed = 1; seed <= 5; seed++) {
                    AggregateRef ref = AggregateRef.of(Wallets.TYPE, "w-" + every + "-" + seed);
                    var plain = AggregateRepository.builder(store, Wallets.type()).build();
                    var snapped = AggregateRepository.builder(store, Wallets.snapshotted(every)).snapshotStore(snapshots).build();
                    int total = 10 + (int) seed * 13;
                    // Snapshots at random points: write one after every few events, as the policy would.
                    appendRandom(ref, total / 2, seed);
                    snapped.writeSnapshot(snapped.load(ref));
                    appendRandom(ref, total - total / 2, seed + 100);

                    AggregateState<Wallet> fromSnapshot = snapped.load(ref);
                    AggregateState<Wallet> fromEvents = plain.load(ref);
                    assertThat(fromSnapshot.state()).isEqualTo(fromEvents.state());
                    assertThat(fromSnapshot.version()).isEqualTo(fromEvents.version()).isEqualTo(total);
                    assertThat(fromSnapshot.snapshotVersion()).isEqualTo(total / 2);
                    assertThat(fromSnapshot.eventsFolded()).isEqualTo(total - total / 2);
                }
            }
        }

        @Test
        void a_load_reads_only_the_events_after_the_snapshot() {
            var repo = AggregateRepository.builder(store, Wallets.snapshotted(10)).snapshotStore(snapshots).build();
            appendRandom(wal, 25, 7);
            repo.writeSnapshot(repo.load(wal));
            appendRandom(wal, 3, 8);
            AggregateState<Wallet> s = repo.load(wal);
            assertThat(s.snapshotVersion()).isEqualTo(25);
            assertThat(s.eventsFolded()).isEqualTo(3);
            assertThat(s.version()).isEqualTo(28);
        }

        @Test
        void applied_writes_a_snapshot_when_the_policy_says_so_and_not_before() {
            var repo = AggregateRepository.builder(store, Wallets.snapshotted(3)).snapshotStore(snapshots).build();
            AggregateState<Wallet> s = repo.load(wal);
            List<EventRecord> two = new ArrayList<>();
            store.onAppend(two::addAll);
            store.appendEvents(wal, 0, List.of(funded("a", 1), funded("b", 2)));
            s = repo.applied(s, two);
            assertThat(snapshots.latest(wal)).isEmpty();
            assertThat(s.snapshotVersion()).isZero();

            two.clear();
            store.appendEvent(wal, 2, funded("c", 3));
            s = repo.applied(s, two);
            assertThat(snapshots.latest(wal)).get().extracting(Snapshot::version).isEqualTo(3L);
            assertThat(s.snapshotVersion()).isEqualTo(3);
            assertThat(s.state()).isEqualTo(new Wallet(6, 3));
            assertThat(snapshots.latest(wal).get().state()).isEqualTo(EventJson.toPayload(new Wallet(6, 3)));
        }

        @Test
        void a_snapshot_of_another_state_schema_is_ignored() {
            var v1 = AggregateRepository.builder(store, Wallets.snapshotted(1)).snapshotStore(snapshots).build();
            appendRandom(wal, 5, 3);
            v1.writeSnapshot(v1.load(wal));
            AggregateType<Wallet> v2Type = AggregateType.<Wallet>builder(Wallets.TYPE).initialState(Wallet.EMPTY)
                    .evolve(Wallets::evolve).snapshots(SnapshotPolicy.everyEvents(1), SnapshotCodec.jackson(Wallet.class, 2))
                    .build();
            AggregateState<Wallet> s = AggregateRepository.builder(store, v2Type).snapshotStore(snapshots).build().load(wal);
            assertThat(s.snapshotVersion()).isZero();
            assertThat(s.eventsFolded()).isEqualTo(5);
        }

        @Test
        void a_failing_snapshot_store_slows_loads_but_never_fails_them() {
            AtomicInteger saves = new AtomicInteger();
            SnapshotStore broken = new SnapshotStore() {
                @Override
                public Optional<Snapshot> latest(AggregateRef aggregate) {
                    throw new IllegalStateException("down");
                }

                @Override
                public void save(Snapshot snapshot) {
                    saves.incrementAndGet();
                    throw new IllegalStateException("down");
                }
            };
            var repo = AggregateRepository.builder(store, Wallets.snapshotted(1)).snapshotStore(broken).build();
            appendRandom(wal, 4, 1);
            AggregateState<Wallet> s = repo.load(wal);
            assertThat(s.version()).isEqualTo(4);
            AggregateState<Wallet> after = repo.writeSnapshot(s);
            assertThat(saves).hasValue(1);
            assertThat(after.snapshotVersion()).isZero();
        }

        @Test
        void an_undecodable_snapshot_is_ignored() {
            snapshots.save(new Snapshot(wal, 2, 1, EventJson.parse("{\"balance\":\"lots\"}"), null));
            store.appendEvents(wal, 0, List.of(funded("a", 1), funded("b", 2), funded("c", 3)));
            var repo = AggregateRepository.builder(store, Wallets.snapshotted(1)).snapshotStore(snapshots).build();
            AggregateState<Wallet> s = repo.load(wal);
            assertThat(s.state()).isEqualTo(new Wallet(6, 3));
            assertThat(s.snapshotVersion()).isZero();
        }

        @Test
        void snapshot_keys_sort_by_version_and_never_look_like_events() {
            assertThat(Snapshot.sk(42)).isEqualTo("SNAP#000000042");
            assertThat(Snapshot.sk(42)).doesNotStartWith("EVT#");
        }
    }

    @Nested
    class AppendedEventsInAnOldSchema {
        /** Schema 1 of Wallet.Funded carried cents; schema 2 carries the amount. */
        final Upcasters centsToAmount = Upcasters.builder().register("Wallet.Funded", 1, p -> {
            ObjectNode o = p.deepCopy();
            o.put("amount", o.remove("amountCents").longValue() / 100);
            return o;
        }).build();

        final AggregateType<Long> balance = AggregateType.<Long>builder(Wallets.TYPE).initialState(0L)
                .evolve((b, e) -> b + e.payload().path("amount").asLong())
                .snapshots(SnapshotPolicy.everyEvents(2), SnapshotCodec.jackson(Long.class, 1)).build();

        @Test
        void the_snapshot_the_policy_writes_after_a_command_equals_a_full_fold_of_the_upcast_events() {
            UpcastingEventStore reads = new UpcastingEventStore(store, centsToAmount);
            InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
            var repo = AggregateRepository.builder(reads, balance).snapshotStore(snapshots).build();
            // A service still emitting the old schema.
            Decider<Long, Long> fundInCents = (cents, b) -> Decision.accept(
                    DecidedEvent.of("Wallet.Funded", Map.of("amountCents", cents)).withSchemaVersion(1));
            var h = CommandHandler.builder(repo, fundInCents).build();

            h.handle(wal, "c1", 1_000L);
            CommandResult<Long> second = h.handle(wal, "c2", 2_500L);

            assertThat(second.state().state()).isEqualTo(35L);
            Snapshot written = snapshots.latest(wal).orElseThrow();
            assertThat(written.version()).isEqualTo(2);
            var fullFold = AggregateRepository.builder(reads, AggregateType.<Long>builder(Wallets.TYPE).initialState(0L)
                    .evolve(balance.evolver()).build()).build().load(wal);
            assertThat(written.state()).isEqualTo(EventJson.toPayload(fullFold.state()));
            assertThat(repo.load(wal).state()).isEqualTo(35L);
            // The stored items keep their schema; the result's events are as stored.
            assertThat(second.events()).singleElement().satisfies(e -> assertThat(e.schemaVersion()).isEqualTo(1));
            assertThat(store.getEvent(wal, 2)).get().satisfies(e -> assertThat(e.payload().has("amountCents")).isTrue());
        }

        @Test
        void applied_upcasts_records_as_stored_and_leaves_latest_ones_alone() {
            UpcastingEventStore reads = new UpcastingEventStore(store, centsToAmount);
            var repo = AggregateRepository.builder(reads, balance).snapshotStore(new InMemorySnapshotStore()).build();
            AggregateState<Long> before = repo.load(wal);
            store.appendEvents(wal, 0, List.of(
                    NewEvent.builder().eventId("old").eventType("Wallet.Funded").schemaVersion(1)
                            .payload(Map.of("amountCents", 700)).build(),
                    NewEvent.builder().eventId("new").eventType("Wallet.Funded").schemaVersion(2)
                            .payload(Map.of("amount", 3)).build()));
            List<EventRecord> asStored = store.readEvents(dev.eventfold.store.EventQuery.of(wal)).toList();
            assertThat(repo.applied(before, asStored).state()).isEqualTo(10L);
        }
    }
}
