package dev.eventfold.process;

import static dev.eventfold.process.Transfers.TRANSFER;
import static dev.eventfold.process.Transfers.WALLET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.process.ProcessOutcome.Reason;
import dev.eventfold.process.ProcessOutcome.Result;
import dev.eventfold.process.ProcessOutcome.Status;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.ForwardingEventStore;
import dev.eventfold.store.InMemoryEventStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessManagerTest {
    final InMemoryEventStore store = new InMemoryEventStore();
    final Dispatcher dispatcher = Dispatcher.of(store);
    final InMemoryDeadlines deadlines = new InMemoryDeadlines();
    final ProcessManager<Transfers.Transfer> transfers = Transfers.manager(store, deadlines);

    @AfterEach
    void close() {
        dispatcher.close();
    }

    List<EventRecord> events(AggregateRef ref) {
        return store.readEvents(EventQuery.of(ref)).toList();
    }

    List<String> types(AggregateRef ref) {
        return events(ref).stream().map(EventRecord::eventType).toList();
    }

    /** The wallet event of a transfer, as the queue would deliver it. */
    EventRecord walletEvent(String wallet, String type) {
        return events(WALLET.ref(wallet)).stream().filter(e -> e.eventType().equals(type)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + type + " on " + wallet));
    }

    long balance(String wallet) {
        long b = 0;
        for (EventRecord e : events(WALLET.ref(wallet))) {
            b = WALLET.evolver().evolve(new Transfers.Wallet(b, false), e).balance();
        }
        return b;
    }

    int allEvents() {
        return events(WALLET.ref("A")).size() + events(WALLET.ref("B")).size() + events(TRANSFER.ref("t1")).size();
    }

    @Test
    void a_transfer_steps_through_withdraw_deposit_complete_and_every_redelivery_writes_nothing() {
        Transfers.fund(dispatcher, "A", 100);
        EventRecord requested = Transfers.request(dispatcher, "t1", "A", "B", 30);

        ProcessOutcome debiting = transfers.handle(requested);
        EventRecord withdrawn = walletEvent("A", "Wallet.Withdrawn");
        ProcessOutcome crediting = transfers.handle(withdrawn);
        EventRecord deposited = walletEvent("B", "Wallet.Deposited");
        ProcessOutcome completed = transfers.handle(deposited);

        assertThat(List.of(debiting, crediting, completed)).extracting(ProcessOutcome::status)
                .containsOnly(Status.STEPPED);
        assertThat(debiting.processId()).isEqualTo("t1");
        assertThat(debiting.commands()).extracting(ProcessOutcome.SentCommand::result).containsExactly(Result.APPENDED);
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting",
                "Transfer.Crediting", "Transfer.Completed");
        assertThat(balance("A")).isEqualTo(70);
        assertThat(balance("B")).isEqualTo(30);

        // What caused what: through the process, from the request to the completion.
        List<EventRecord> t = events(TRANSFER.ref("t1"));
        assertThat(t.get(1).causationId()).isEqualTo(requested.eventId());
        assertThat(withdrawn.causationId()).isEqualTo(t.get(1).eventId());
        assertThat(t.get(2).causationId()).isEqualTo(withdrawn.eventId());
        assertThat(deposited.causationId()).isEqualTo(t.get(2).eventId());
        assertThat(t.get(3).causationId()).isEqualTo(deposited.eventId());
        assertThat(List.of(t.get(1), withdrawn, t.get(2), deposited, t.get(3))).extracting(EventRecord::correlationId)
                .containsOnly(requested.eventId());
        assertThat(t.get(1).eventId()).isEqualTo(transfers.stepEventId("t1", new ProcessInput.Incoming(requested), 0));
        assertThat(t.get(1).source()).isEqualTo("transfers");

        int before = allEvents();
        for (EventRecord again : List.of(requested, withdrawn, deposited, withdrawn, requested)) {
            ProcessOutcome o = transfers.handle(again);
            assertThat(o.status()).isEqualTo(Status.ALREADY_STEPPED);
            assertThat(o.commands()).extracting(ProcessOutcome.SentCommand::result)
                    .doesNotContain(Result.APPENDED, Result.REJECTED);
        }
        assertThat(allEvents()).isEqualTo(before);
        assertThat(balance("A")).isEqualTo(70);
    }

    @Test
    void a_rejected_deposit_is_compensated_and_never_sent_again_once_compensated() {
        Transfers.fund(dispatcher, "A", 100);
        dispatcher.dispatchEvent(EventSpec.of("wallet", "B", "Wallet.Frozen", Map.of()));
        EventRecord requested = Transfers.request(dispatcher, "t1", "A", "B", 40);
        transfers.handle(requested);
        EventRecord withdrawn = walletEvent("A", "Wallet.Withdrawn");

        ProcessOutcome crediting = transfers.handle(withdrawn);

        assertThat(crediting.status()).isEqualTo(Status.STEPPED);
        assertThat(crediting.commands()).singleElement().satisfies(c -> {
            assertThat(c.result()).isEqualTo(Result.REJECTED);
            assertThat(c.reasonCode()).isEqualTo("frozen");
        });
        assertThat(crediting.followUps()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.STEPPED);
            assertThat(f.commands()).extracting(ProcessOutcome.SentCommand::result).containsExactly(Result.APPENDED);
        });
        transfers.handle(walletEvent("A", "Wallet.Refunded"));
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting",
                "Transfer.Crediting", "Transfer.Refunding", "Transfer.Compensated");
        assertThat(balance("A")).isEqualTo(100);
        assertThat(balance("B")).isZero();

        // B is unfrozen; the withdrawal is delivered again: the deposit would now be accepted, but
        // its rejection was acted on (refunded), so it is not sent again.
        dispatcher.dispatchEvent(EventSpec.of("wallet", "B", "Wallet.Unfrozen", Map.of()));
        ProcessOutcome again = transfers.handle(withdrawn);

        assertThat(again.status()).isEqualTo(Status.ALREADY_STEPPED);
        assertThat(again.commands()).extracting(ProcessOutcome.SentCommand::result).containsExactly(Result.NOT_RESENT);
        assertThat(balance("B")).isZero();
        assertThat(balance("A")).isEqualTo(100);
    }

    @Test
    void a_rejected_withdrawal_fails_the_transfer_without_touching_either_wallet() {
        Transfers.fund(dispatcher, "A", 10);
        ProcessOutcome o = transfers.handle(Transfers.request(dispatcher, "t1", "A", "B", 30));

        assertThat(o.commands()).extracting(ProcessOutcome.SentCommand::reasonCode).containsExactly("insufficient_funds");
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting",
                "Transfer.Failed");
        assertThat(events(TRANSFER.ref("t1")).get(2).payload().get("reason").asText()).isEqualTo("insufficient_funds");
        assertThat(types(WALLET.ref("A"))).containsExactly("Wallet.Funded");
        assertThat(events(WALLET.ref("B"))).isEmpty();
    }

    @Test
    void a_command_that_fails_after_its_step_was_recorded_is_resumed_on_redelivery() {
        AtomicInteger failures = new AtomicInteger(1);
        EventStore flaky = new ForwardingEventStore(store) {
            @Override
            public AppendResult append(AppendRequest r) {
                if (r.aggregate().aggregateType().equals("wallet") && failures.getAndDecrement() > 0) {
                    throw new EventStoreException("append", EventStoreException.Kind.REJECTED, "injected", null);
                }
                return super.append(r);
            }
        };
        ProcessManager<Transfers.Transfer> manager = Transfers.manager(flaky, deadlines);
        Transfers.fund(dispatcher, "A", 100);
        EventRecord requested = Transfers.request(dispatcher, "t1", "A", "B", 30);

        ProcessOutcome failed = manager.handle(requested);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.failure().orElseThrow().reason()).isEqualTo(Reason.COMMAND_FAILED);
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting");
        assertThat(types(WALLET.ref("A"))).containsExactly("Wallet.Funded");

        ProcessOutcome resumed = manager.handle(requested);
        ProcessOutcome duplicate = manager.handle(requested);

        assertThat(resumed.status()).isEqualTo(Status.RESUMED);
        assertThat(resumed.commands()).extracting(ProcessOutcome.SentCommand::result).containsExactly(Result.APPENDED);
        assertThat(duplicate.status()).isEqualTo(Status.ALREADY_STEPPED);
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting");
        assertThat(types(WALLET.ref("A"))).containsExactly("Wallet.Funded", "Wallet.Withdrawn");
        assertThat(deadlines.pending()).hasSize(1);
    }

    @Test
    void the_same_input_delivered_to_eight_threads_at_once_steps_once() throws Exception {
        Transfers.fund(dispatcher, "A", 100);
        EventRecord requested = Transfers.request(dispatcher, "t1", "A", "B", 30);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ProcessOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(pool.submit(() -> {
                start.await();
                return transfers.handle(requested);
            }));
        }
        start.countDown();
        List<Status> statuses = new ArrayList<>();
        for (Future<ProcessOutcome> f : outcomes) {
            statuses.add(f.get().status());
        }
        pool.shutdown();

        assertThat(statuses).containsOnlyOnce(Status.STEPPED).doesNotContain(Status.FAILED);
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting");
        assertThat(types(WALLET.ref("A"))).containsExactly("Wallet.Funded", "Wallet.Withdrawn");
    }

    @Test
    void a_deadline_fired_twice_steps_once_and_a_late_withdrawal_is_refunded() {
        Transfers.fund(dispatcher, "A", 100);
        EventRecord requested = Transfers.request(dispatcher, "t1", "A", "B", 30);
        transfers.handle(requested);
        Instant due = requested.occurredAtInstant().orElseThrow().plus(Transfers.EXPIRY);
        assertThat(deadlines.due(due.minusMillis(1))).isEmpty();
        List<ScheduledDeadline> fired = deadlines.due(due);
        assertThat(fired).containsExactly(new ScheduledDeadline("transfers", "t1", "expire", due));

        ProcessOutcome expired = transfers.deadline(fired.get(0));
        ProcessOutcome again = transfers.deadline(fired.get(0));

        assertThat(expired.status()).isEqualTo(Status.STEPPED);
        assertThat(again.status()).isEqualTo(Status.ALREADY_STEPPED);
        transfers.handle(walletEvent("A", "Wallet.Withdrawn"));
        transfers.handle(walletEvent("A", "Wallet.Refunded"));
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting",
                "Transfer.Expired", "Transfer.Refunding", "Transfer.Compensated");
        assertThat(events(TRANSFER.ref("t1")).get(2).correlationId()).isEqualTo(requested.eventId());
        assertThat(balance("A")).isEqualTo(100);
        assertThat(events(WALLET.ref("B"))).isEmpty();
        assertThatThrownBy(() -> transfers.deadline(new ScheduledDeadline("other", "t1", "expire", due)))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void inputs_of_no_process_or_without_a_step_are_ignored_and_write_nothing() {
        EventRecord stray = store.readEvents(EventQuery.of(Transfers.fund(dispatcher, "A", 5))).findFirst().orElseThrow();
        dispatcher.dispatchEvent(EventSpec.of("wallet", "A", "Wallet.Deposited", Map.of("amount", 1)));
        EventRecord noTransfer = walletEvent("A", "Wallet.Deposited");

        assertThat(transfers.handle(stray).status()).isEqualTo(Status.IGNORED);
        assertThat(transfers.handle(noTransfer).status()).isEqualTo(Status.IGNORED);
        assertThat(types(WALLET.ref("A"))).containsExactly("Wallet.Funded", "Wallet.Deposited");
    }

    @Test
    void an_invalid_step_is_refused_before_anything_is_written() {
        Transfers.fund(dispatcher, "A", 100);
        EventRecord requested = Transfers.request(dispatcher, "t1", "A", "B", 30);
        record Unknown() {
        }
        List<ProcessDecider<Transfers.Transfer>> bad = List.of(
                (s, in) -> ProcessStep.none().andSend(WALLET.ref("A"), new Transfers.Withdraw(1, "t1")),
                (s, in) -> ProcessStep.record("Transfer.Debiting", Map.of()).andSend(WALLET.ref("A"), new Unknown()),
                (s, in) -> ProcessStep.record("Transfer.Debiting", Map.of("blob", "x".repeat(500_000))),
                (s, in) -> {
                    throw new IllegalStateException("decider down");
                });
        List<Reason> reasons = new ArrayList<>();
        for (ProcessDecider<Transfers.Transfer> decider : bad) {
            ProcessManager<Transfers.Transfer> m = ProcessManager.builder("transfers", TRANSFER, store)
                    .on("Transfer.Requested", EventRecord::aggregateId).decide(decider)
                    .command(Transfers.Withdraw.class, dev.eventfold.aggregate.CommandHandler.builder(
                            dev.eventfold.aggregate.AggregateRepository.builder(store, WALLET).build(),
                            Transfers::withdraw).build())
                    .build();
            reasons.add(m.handle(requested).failure().orElseThrow().reason());
        }

        assertThat(reasons).containsExactly(Reason.INVALID_STEP, Reason.INVALID_STEP, Reason.INVALID_STEP,
                Reason.DECIDE_FAILED);
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested");
        assertThat(types(WALLET.ref("A"))).containsExactly("Wallet.Funded");
    }

    @Test
    void a_deadline_without_a_scheduler_is_an_invalid_step() {
        ProcessManager<Transfers.Transfer> m = ProcessManager.builder("transfers", TRANSFER, store)
                .on("Transfer.Requested", EventRecord::aggregateId)
                .decide((s, in) -> ProcessStep.record("Transfer.Debiting", Map.of()).andSchedule("x", Instant.EPOCH))
                .build();
        ProcessOutcome o = m.handle(Transfers.request(dispatcher, "t1", "A", "B", 30));
        assertThat(o.failure().orElseThrow().detail()).contains("no deadline scheduler");
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested");
    }

    @Test
    void the_builder_checks_its_configuration() {
        assertThatThrownBy(() -> ProcessManager.builder("p", TRANSFER, store).decide((s, i) -> ProcessStep.none()).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("input");
        assertThatThrownBy(() -> ProcessManager.builder("p", TRANSFER, store).on("X", e -> "1").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("decider");
        assertThatThrownBy(() -> ProcessManager.builder("p", TRANSFER, store).on("X", e -> "1").on("X", e -> "2"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> ProcessManager.builder("a\nb", TRANSFER, store))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("line break");
    }

    @Test
    void in_order_a_wallet_event_past_a_gap_makes_the_earlier_ones_step_first() {
        ProcessManager<Transfers.Transfer> inOrder = Transfers.builder(store, deadlines)
                .inOrder(new dev.eventfold.projection.InMemoryCheckpointStore()).build();
        Transfers.fund(dispatcher, "A", 100);
        inOrder.handle(Transfers.request(dispatcher, "t1", "A", "B", 10));
        inOrder.handle(Transfers.request(dispatcher, "t2", "A", "B", 20));
        List<EventRecord> a = events(WALLET.ref("A")); // v1 funded, v2 t1 withdrawn, v3 t2 withdrawn

        ProcessOutcome late = inOrder.handle(a.get(2));
        ProcessOutcome early = inOrder.handle(a.get(1));

        assertThat(late.status()).isEqualTo(Status.STEPPED);
        assertThat(late.processId()).isEqualTo("t2");
        assertThat(types(TRANSFER.ref("t1"))).containsExactly("Transfer.Requested", "Transfer.Debiting",
                "Transfer.Crediting");
        assertThat(types(TRANSFER.ref("t2"))).containsExactly("Transfer.Requested", "Transfer.Debiting",
                "Transfer.Crediting");
        assertThat(early.status()).isEqualTo(Status.ALREADY_STEPPED);
        assertThat(types(WALLET.ref("B"))).containsExactly("Wallet.Deposited", "Wallet.Deposited");

        EventRecord fromNowhere = EventRecord.builder().aggregate("wallet", "A").version(9).eventId("evt-9")
                .eventType("Wallet.Withdrawn").occurredAt("2026-12-01T10:00:00.000Z")
                .payload(dev.eventfold.core.json.EventJson.mapper().createObjectNode().put("transferId", "t1")).build();
        assertThat(inOrder.handle(fromNowhere).failure().orElseThrow().reason()).isEqualTo(Reason.NOT_IN_ORDER);
    }
}
