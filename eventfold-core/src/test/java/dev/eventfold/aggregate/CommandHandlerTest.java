package dev.eventfold.aggregate;

import dev.eventfold.internal.DerivedIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.aggregate.Wallets.Command;
import dev.eventfold.aggregate.Wallets.Fund;
import dev.eventfold.aggregate.Wallets.Noop;
import dev.eventfold.aggregate.Wallets.Wallet;
import dev.eventfold.aggregate.Wallets.Withdraw;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CommandHandlerTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T16:05:59.123Z"), ZoneOffset.UTC);

    final InMemoryEventStore memory = new InMemoryEventStore(CLOCK);
    final AggregateRef wal = AggregateRef.of(Wallets.TYPE, "wal_1");

    CommandHandler<Command, Wallet> handler(EventStore store) {
        var repo = AggregateRepository.builder(store, Wallets.type()).build();
        return CommandHandler.builder(repo, Wallets::decide).source("billing").clock(CLOCK).build();
    }

    List<EventRecord> stored() {
        return memory.readEvents(EventQuery.of(wal)).toList();
    }

    @Nested
    class Deciding {
        @Test
        void accepted_events_are_appended_at_the_loaded_version_with_ids_derived_from_the_command() {
            CommandResult<Wallet> r = handler(memory).handle(wal, "cmd-1", new Fund(100));

            assertThat(r.outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            assertThat(r.state().state()).isEqualTo(new Wallet(100, 1));
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(stored()).singleElement().satisfies(e -> {
                assertThat(e.eventId()).isEqualTo(DerivedIds.eventId(wal, "cmd-1", 0)).startsWith("evt-").hasSize(30);
                assertThat(e.eventType()).isEqualTo("Wallet.Funded");
                assertThat(e.source()).isEqualTo("billing");
                assertThat(e.occurredAt()).isEqualTo("2026-11-27T16:05:59.123Z");
            });
            assertThat(r.events()).isEqualTo(stored());
            assertThat(memory.getHead(wal)).get().extracting(AggregateHead::lastIdemKey).isEqualTo("cmd-1");
        }

        @Test
        void several_decided_events_land_in_one_append() {
            var repo = AggregateRepository.builder(memory, Wallets.type()).build();
            Decider<Command, Wallet> twice = (c, w) -> Decision.accept(
                    DecidedEvent.of("Wallet.Funded", Map.of("amount", 1)), DecidedEvent.of("Wallet.Funded", Map.of("amount", 2)));
            AtomicInteger appends = new AtomicInteger();
            memory.onAppend(events -> appends.incrementAndGet());
            CommandResult<Wallet> r = CommandHandler.builder(repo, twice).build().handle(wal, "cmd-2", new Noop());
            assertThat(appends).hasValue(1);
            assertThat(r.events()).extracting(EventRecord::version).containsExactly(1L, 2L);
            assertThat(r.events()).extracting(EventRecord::eventId)
                    .containsExactly(DerivedIds.eventId(wal, "cmd-2", 0), DerivedIds.eventId(wal, "cmd-2", 1));
        }

        @Test
        void the_current_event_context_fills_correlation_causation_actor_and_tenant() {
            EventContext ctx = EventContext.builder().correlationId("corr-1").causationId("evt-cause").actorId("user-9")
                    .tenantId("t-1").build();
            CommandResult<Wallet> r = EventContext.supplyWith(ctx, () -> handler(memory).handle(wal, "cmd-1", new Fund(5)));
            EventRecord e = r.events().get(0);
            assertThat(e.correlationId()).isEqualTo("corr-1");
            assertThat(e.causationId()).isEqualTo("evt-cause");
            assertThat(e.actorId()).isEqualTo("user-9");
            assertThat(e.tenantId()).isEqualTo("t-1");
        }

        @Test
        void a_command_accepted_without_events_writes_nothing() {
            CommandResult<Wallet> r = handler(memory).handle(wal, "cmd-1", new Noop());
            assertThat(r.outcome()).isEqualTo(CommandResult.Outcome.NO_CHANGE);
            assertThat(stored()).isEmpty();
            assertThat(memory.getHead(wal)).isEmpty();
        }

        @Test
        void a_rejected_command_is_a_typed_error_and_writes_nothing() {
            handler(memory).handle(wal, "cmd-1", new Fund(10));
            assertThatThrownBy(() -> handler(memory).handle(wal, "cmd-2", new Withdraw(50)))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                        assertThat(e.reasonCode()).isEqualTo("insufficient_funds");
                        assertThat(e.aggregate()).isEqualTo(wal);
                        assertThat(e.commandId()).isEqualTo("cmd-2");
                        assertThat(e.version()).isEqualTo(1);
                    });
            assertThat(stored()).hasSize(1);
            assertThat(memory.currentVersion(wal)).isEqualTo(1);
        }
    }

    @Nested
    class ConflictsAndRetries {
        @Test
        void a_concurrent_append_between_load_and_append_makes_the_handler_reload_and_decide_again() {
            memory.appendEvent(wal, 0, NewEvent.builder().eventId("seed").eventType("Wallet.Funded")
                    .payload(Map.of("amount", 60)).build());
            AtomicInteger calls = new AtomicInteger();
            // Another writer withdraws 50 right before our first append.
            EventStore racing = new Delegating(memory, req -> {
                if (calls.getAndIncrement() == 0) {
                    memory.appendEvent(wal, 1, NewEvent.builder().eventId("other").eventType("Wallet.Withdrawn")
                            .payload(Map.of("amount", 50)).build());
                }
            });
            // First decision (balance 60) accepts withdrawing 40; after the reload (balance 10) it is refused.
            assertThatThrownBy(() -> handler(racing).handle(wal, "cmd-w", new Withdraw(40)))
                    .isInstanceOf(CommandRejectedException.class);
            assertThat(stored()).extracting(EventRecord::eventId).containsExactly("seed", "other");

            CommandResult<Wallet> r = handler(racing).handle(wal, "cmd-w2", new Withdraw(10));
            assertThat(r.state().state()).isEqualTo(new Wallet(0, 3));
        }

        @Test
        void a_conflict_is_retried_and_the_command_lands_once_on_the_new_version() {
            AtomicInteger calls = new AtomicInteger();
            EventStore racing = new Delegating(memory, req -> {
                if (calls.getAndIncrement() == 0) {
                    memory.appendEvent(wal, 0, NewEvent.builder().eventId("other").eventType("Wallet.Funded")
                            .payload(Map.of("amount", 7)).build());
                }
            });
            CommandResult<Wallet> r = handler(racing).handle(wal, "cmd-1", new Fund(3));
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.state().state()).isEqualTo(new Wallet(10, 2));
            assertThat(stored()).extracting(EventRecord::eventId).containsExactly("other", DerivedIds.eventId(wal, "cmd-1", 0));
        }

        @Test
        void conflicts_on_every_attempt_end_in_the_conflict_after_max_attempts() {
            AtomicInteger calls = new AtomicInteger();
            EventStore hot = new Delegating(memory, req -> memory.appendEvent(wal, memory.currentVersion(wal),
                    NewEvent.builder().eventId("other-" + calls.incrementAndGet()).eventType("Wallet.Funded")
                            .payload(Map.of("amount", 1)).build()));
            var repo = AggregateRepository.builder(hot, Wallets.type()).build();
            var h = CommandHandler.<Command, Wallet>builder(repo, Wallets::decide).maxAttempts(3).build();
            assertThatThrownBy(() -> h.handle(wal, "cmd-1", new Fund(1))).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(calls).hasValue(3);
            assertThat(stored()).extracting(EventRecord::eventId).doesNotContain(DerivedIds.eventId(wal, "cmd-1", 0));
        }

        @Test
        void a_retried_command_appends_once() {
            var h = handler(memory);
            CommandResult<Wallet> first = h.handle(wal, "cmd-1", new Fund(100));
            CommandResult<Wallet> again = h.handle(wal, "cmd-1", new Fund(100));
            assertThat(first.outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(again.state().state()).isEqualTo(new Wallet(100, 1));
            assertThat(stored()).hasSize(1);
        }

        @Test
        void a_command_retried_after_other_commands_and_a_snapshot_still_appends_once() {
            InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
            var repo = AggregateRepository.builder(memory, Wallets.snapshotted(2)).snapshotStore(snapshots).build();
            var h = CommandHandler.<Command, Wallet>builder(repo, Wallets::decide).build();
            h.handle(wal, "cmd-1", new Fund(100));
            h.handle(wal, "cmd-2", new Fund(1));
            h.handle(wal, "cmd-3", new Fund(1));
            h.handle(wal, "cmd-4", new Fund(1));
            assertThat(snapshots.latest(wal)).get().extracting(Snapshot::version).isEqualTo(4L);

            CommandResult<Wallet> again = h.handle(wal, "cmd-1", new Fund(100));
            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(stored()).hasSize(4);
        }

        @Test
        void a_command_retried_more_than_look_behind_events_after_the_latest_snapshot_appends_once() {
            InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
            var repo = AggregateRepository.builder(memory, Wallets.snapshotted(10)).snapshotStore(snapshots).build();
            var h = CommandHandler.<Command, Wallet>builder(repo, Wallets::decide).build();
            assertThat(h.handle(wal, "cmd-1", new Fund(100)).outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            for (int i = 0; i < 150; i++) {
                h.handle(wal, "other-" + i, new Fund(1));
            }
            assertThat(snapshots.latest(wal)).get().extracting(Snapshot::version).isEqualTo(150L);

            CommandResult<Wallet> again = h.handle(wal, "cmd-1", new Fund(100));

            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(again.events()).isEmpty();
            assertThat(again.state().state()).isEqualTo(new Wallet(250, 151));
            assertThat(stored()).hasSize(151);
            assertThat(memory.currentVersion(wal)).isEqualTo(151);
        }

        @Test
        void a_command_rejected_now_but_handled_before_is_already_handled_and_writes_nothing() {
            InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
            AtomicInteger lookups = new AtomicInteger();
            EventStore counting = new Delegating(memory, req -> { }) {
                @Override
                public Optional<AppendResult> findAppend(AggregateRef aggregate, String idempotencyKey) {
                    lookups.incrementAndGet();
                    return super.findAppend(aggregate, idempotencyKey);
                }
            };
            // A snapshot after every event and no look-behind: only the store's record can recognise the retry.
            var repo = AggregateRepository.builder(counting, Wallets.snapshotted(1)).snapshotStore(snapshots).build();
            var h = CommandHandler.<Command, Wallet>builder(repo, Wallets::decide).lookBehind(0).build();
            h.handle(wal, "cmd-fund", new Fund(100));
            assertThat(h.handle(wal, "cmd-w", new Withdraw(100)).outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            AggregateHead before = memory.getHead(wal).orElseThrow();

            // The balance is 0 now: deciding again would refuse the withdrawal.
            CommandResult<Wallet> again = h.handle(wal, "cmd-w", new Withdraw(100));

            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(again.state().state()).isEqualTo(new Wallet(0, 2));
            assertThat(lookups).hasValue(1);
            assertThat(memory.getHead(wal)).contains(before);
            assertThat(stored()).hasSize(2);
        }

        @Test
        void a_new_command_that_is_rejected_still_throws_after_one_lookup() {
            var repo = AggregateRepository.builder(memory, Wallets.type()).build();
            var h = CommandHandler.<Command, Wallet>builder(repo, Wallets::decide).build();
            assertThatThrownBy(() -> h.handle(wal, "cmd-new", new Withdraw(1)))
                    .isInstanceOf(CommandRejectedException.class);
            assertThat(memory.getHead(wal)).isEmpty();
        }

        @Test
        void a_command_that_decides_otherwise_now_but_was_handled_before_is_already_handled() {
            InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
            var repo = AggregateRepository.builder(memory, Wallets.snapshotted(1)).snapshotStore(snapshots).build();
            // "Top up to 100": the amount depends on the state, so a retry decides another event.
            Decider<Command, Wallet> topUp = (c, w) -> w.balance() >= 100 ? Decision.none()
                    : Decision.accept(DecidedEvent.of("Wallet.Funded", Map.of("amount", 100 - w.balance())));
            var h = CommandHandler.<Command, Wallet>builder(repo, topUp).lookBehind(0).build();
            var fund = CommandHandler.<Command, Wallet>builder(repo, Wallets::decide).lookBehind(0).build();
            fund.handle(wal, "cmd-seed", new Fund(30));
            assertThat(h.handle(wal, "cmd-top", new Noop()).outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            fund.handle(wal, "cmd-spend", new Withdraw(60));

            // Balance 40: the top-up would now append 60 under the same command id.
            CommandResult<Wallet> differently = h.handle(wal, "cmd-top", new Noop());
            assertThat(differently.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(stored()).hasSize(3);

            // Balance back over 100: the top-up would now decide nothing.
            fund.handle(wal, "cmd-refill", new Fund(100));
            CommandResult<Wallet> nothing = h.handle(wal, "cmd-top", new Noop());
            assertThat(nothing.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(stored()).hasSize(4);
            assertThat(h.handle(wal, "cmd-top-2", new Noop()).outcome()).isEqualTo(CommandResult.Outcome.NO_CHANGE);
        }

        @Test
        void a_lost_append_response_is_retried_with_the_same_request_and_lands_once() {
            AtomicInteger calls = new AtomicInteger();
            EventStore lossy = new Delegating(memory, req -> { }) {
                @Override
                public AppendResult append(AppendRequest request) {
                    AppendResult r = super.append(request);
                    if (calls.getAndIncrement() == 0) {
                        throw new EventStoreException("append", EventStoreException.Kind.UNKNOWN_OUTCOME, "response lost", null);
                    }
                    return r;
                }
            };
            CommandResult<Wallet> r = handler(lossy).handle(wal, "cmd-1", new Fund(100));
            assertThat(r.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(r.state().state()).isEqualTo(new Wallet(100, 1));
            assertThat(stored()).hasSize(1);
        }

        @Test
        void a_store_error_that_cannot_help_on_retry_is_thrown_after_one_attempt() {
            AtomicInteger calls = new AtomicInteger();
            EventStore refusing = new Delegating(memory, req -> {
                calls.incrementAndGet();
                throw new EventStoreException("append", EventStoreException.Kind.REJECTED, "access denied", null);
            });
            assertThatThrownBy(() -> handler(refusing).handle(wal, "cmd-1", new Fund(1)))
                    .isInstanceOf(EventStoreException.class);
            assertThat(calls).hasValue(1);
            assertThat(stored()).isEmpty();
        }
    }

    @Test
    void derived_event_ids_depend_on_aggregate_command_and_index() {
        assertThat(DerivedIds.eventId(wal, "c", 0)).isEqualTo(DerivedIds.eventId(wal, "c", 0))
                .isNotEqualTo(DerivedIds.eventId(wal, "c", 1))
                .isNotEqualTo(DerivedIds.eventId(wal, "d", 0))
                .isNotEqualTo(DerivedIds.eventId(AggregateRef.of("wallet", "wal_2"), "c", 0))
                .matches("evt-[0-9A-HJKMNP-TV-Z]{26}");
    }

    /** An EventStore that runs {@code beforeAppend} and then delegates. */
    static class Delegating extends dev.eventfold.store.ForwardingEventStore {
        final Consumer<AppendRequest> beforeAppend;

        Delegating(EventStore d, Consumer<AppendRequest> beforeAppend) {
            super(d);
            this.beforeAppend = beforeAppend;
        }

        @Override
        public AppendResult append(AppendRequest request) {
            beforeAppend.accept(request);
            return super.append(request);
        }
    }
}
