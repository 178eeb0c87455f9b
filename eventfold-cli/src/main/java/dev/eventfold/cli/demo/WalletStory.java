package dev.eventfold.cli.demo;

import static dev.eventfold.cli.demo.Wallet.money;

import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.CommandHandler;
import dev.eventfold.aggregate.CommandRejectedException;
import dev.eventfold.aggregate.CommandResult;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.process.InMemoryDeadlines;
import dev.eventfold.process.ProcessManager;
import dev.eventfold.process.ProcessOutcome;
import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.integrity.IntegrityReport;
import dev.eventfold.listener.EventHandler;
import dev.eventfold.listener.EventListener;
import dev.eventfold.projection.InMemoryCheckpointStore;
import dev.eventfold.projection.ProjectionResult;
import dev.eventfold.projection.Projector;
import dev.eventfold.replay.ReplayReport;
import dev.eventfold.replay.ReplaySelector;
import dev.eventfold.replay.Replayer;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The wallet story, written once for every {@link DemoRuntime}: typed dispatchers fund and
 * withdraw, the fan-out feeds a balance projection and (through the bus) an audit log, a decider
 * accepts one withdrawal and rejects an overdraft, one event is replayed and the projection skips
 * it, and the integrity check passes. Prints a numbered account; returns 0 when everything went
 * as told, 1 otherwise.
 */
final class WalletStory {
    private static final String PROJECTION = "balances";

    private final DemoRuntime runtime;
    private final PrintWriter out;
    private final Map<String, Long> balances = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    /** The audit log: aggregateId per event, so that only the story's wallet is counted on a shared table. */
    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final List<String> surprises = new ArrayList<>();
    private final InMemoryDeadlines deadlines = new InMemoryDeadlines();

    /** One event the projection received, and what it did with it. */
    record Delivery(String aggregateId, long version, boolean replay, ProjectionResult.Outcome outcome, long checkpoint) {
    }

    WalletStory(DemoRuntime runtime, PrintWriter out) {
        this.runtime = runtime;
        this.out = out;
    }

    int run() {
        String walletId = "wal-" + UUID.randomUUID().toString().substring(0, 6);
        AggregateRef ref = Wallet.TYPE.ref(walletId);
        out.println("Eventfold demo: a wallet on " + runtime.describe());
        runtime.setUp().forEach(line -> out.println("   " + line));
        EventStore store = runtime.store();

        // The read model: balances per wallet, moved exactly once per version with the checkpoint.
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        Projector projector = Projector.builder(PROJECTION, store)
                .transactional(checkpoints, e -> List.<Runnable>of(
                        () -> balances.merge(e.aggregateId(), Wallet.signedAmount(e), Long::sum)))
                .build();
        EventHandler project = e -> {
            ProjectionResult r = projector.handle(e);
            deliveries.add(new Delivery(e.aggregateId(), e.version(), e.meta().isReplay(), r.outcome(), r.checkpoint()));
        };
        EventHandler toAudit = e -> audit.add(e.aggregateId());
        // The transfer process: its own stream per transfer, fed by a standard queue (duplicates included).
        ProcessManager<Transfers.Transfer> transfers = Transfers.processManager(store, deadlines);
        try (EventListener projection = EventListener.builder().on(Wallet.FUNDED, project).on(Wallet.WITHDRAWN, project)
                .on(Wallet.DEPOSITED, project).on(Wallet.REFUNDED, project).concurrency(1).build();
             EventListener auditLog = EventListener.builder().on(Wallet.FUNDED, toAudit).on(Wallet.WITHDRAWN, toAudit)
                     .on(Wallet.REFUNDED, toAudit).concurrency(1).build();
             EventListener processes = EventListener.builder().process(transfers).concurrency(1).build()) {
            runtime.start(projection, auditLog, processes);
            out.println();
            tell(walletId, ref, store, projector, transfers);
        }
        if (surprises.isEmpty()) {
            return 0;
        }
        out.println();
        out.println("The story did not go as told: " + String.join("; ", surprises));
        return 1;
    }

    private void tell(String walletId, AggregateRef ref, EventStore store, Projector projector,
                      ProcessManager<Transfers.Transfer> transfers) {
        // 1. Typed dispatchers.
        List<DispatchResult> dispatched = new ArrayList<>();
        try (Dispatcher dispatcher = Dispatcher.of(store)) {
            WalletEvents wallet = DomainDispatchers.create(WalletEvents.class, dispatcher);
            dispatched.add(wallet.funded(walletId, 5000));
            dispatched.add(wallet.funded(walletId, 2500));
            dispatched.add(wallet.withdrawn(walletId, 1200));
        }
        step(1, "Typed dispatchers (interface WalletEvents) append three events to " + ref + ":");
        List<EventRecord> stored = store.readEvents(EventQuery.of(ref).limit(100)).toList();
        for (EventRecord e : stored) {
            long amount = Wallet.signedAmount(e);
            detail(String.format("  v%d  %-16s %8s   %s", e.version(), e.eventType(),
                    (amount >= 0 ? "+" : "") + money(amount), e.eventId()));
        }
        expect(dispatched.get(2).version() == 3, "the third dispatch should be version 3");

        // 2. Fan-out, projection, bus.
        // Wait until at least what is expected arrived, then check it is exactly that (a duplicate
        // or a foreign event is a surprise, not a reason to wait until the timeout).
        runtime.settle("the projection reached v3 and the audit log has 3 events",
                () -> projector.checkpoint(ref) >= 3 && audited(walletId) >= 3);
        expect(projector.checkpoint(ref) == 3 && delivered(walletId) == 3 && audited(walletId) == 3,
                "the projection and the audit log should have exactly v1..v3, once each");
        step(2, "The stream fan-out sent them to the FIFO queue " + runtime.projectionQueue() + " and to the bus.");
        detail("The balance projection applied v1..v3 in order, each once: balance " + money(balance(walletId))
                + " (checkpoint v" + projector.checkpoint(ref) + ").");
        detail("A bus rule (source = billing) copied them to the queue " + runtime.auditQueue() + ": "
                + audited(walletId) + " events in the audit log.");
        expect(balance(walletId) == 6300, "the projected balance should be 63.00 after three events");

        // 3. The decider accepts a withdrawal; the same command again is recognised.
        AggregateRepository<Wallet> wallets = AggregateRepository.builder(store, Wallet.TYPE).build();
        CommandHandler<Wallet.Withdraw, Wallet> withdraw = CommandHandler.builder(wallets, Wallet::decide)
                .source("billing").build();
        String command = "cmd-" + walletId + "-1";
        CommandResult<Wallet> accepted = withdraw.handle(ref, command, new Wallet.Withdraw(300));
        CommandResult<Wallet> repeated = withdraw.handle(ref, command, new Wallet.Withdraw(300));
        step(3, "The decider accepts a withdrawal of 3.00 (command " + command + "): " + accepted.outcome()
                + " at v" + accepted.version() + ", balance " + money(accepted.state().state().balance()) + ".");
        detail("The same command sent again: " + repeated.outcome() + ", nothing written (the command id is the"
                + " idempotency key).");
        expect(accepted.outcome() == CommandResult.Outcome.APPENDED && accepted.version() == 4,
                "the accepted withdrawal should append v4");
        expect(repeated.outcome() == CommandResult.Outcome.ALREADY_HANDLED, "the repeated command should be recognised");

        // 4. The decider rejects an overdraft.
        long appendsBefore = runtime.appendsWritten();
        long versionBefore = store.currentVersion(ref);
        Optional<CommandRejectedException> rejected = Optional.empty();
        try {
            withdraw.handle(ref, "cmd-" + walletId + "-2", new Wallet.Withdraw(10_000));
        } catch (CommandRejectedException e) {
            rejected = Optional.of(e);
        }
        long appendsAfter = runtime.appendsWritten();
        long versionAfter = store.currentVersion(ref);
        step(4, "The decider rejects a withdrawal of 100.00: " + rejected.map(e -> e.reasonCode() + " (" + e.detail() + ")")
                .orElse("NOT REJECTED") + ".");
        detail("Nothing written: still v" + versionAfter + ", " + (appendsAfter - appendsBefore) + " appends.");
        expect(rejected.isPresent(), "the overdraft should be rejected");
        expect(versionAfter == versionBefore && appendsAfter == appendsBefore, "the rejected command should write nothing");
        runtime.settle("the projection reached v4", () -> projector.checkpoint(ref) >= 4 && audited(walletId) >= 4);
        expect(projector.checkpoint(ref) == 4 && delivered(walletId) == 4 && audited(walletId) == 4,
                "the projection and the audit log should have exactly v1..v4, once each");

        // 5. Replay one event: the projection recognises it.
        Replayer replayer = Replayer.builder(store).sink(runtime.replaySink("demo-" + walletId)).build();
        ReplayReport replay = replayer.run(ReplaySelector.aggregate(ref).versions(1, 2));
        runtime.settle("the replayed event reached the projection", () -> deliveries.stream().anyMatch(Delivery::replay));
        Delivery replayed = deliveries.stream().filter(Delivery::replay).findFirst().orElseThrow();
        expect(deliveries.stream().filter(Delivery::replay).count() == 1 && replayed.version() == 2,
                "exactly one replayed delivery, of v2, should reach the projection");
        step(5, "Replay of v2 to " + runtime.projectionQueue() + " with meta.replay = true: published "
                + replay.published() + " of " + replay.matched() + ".");
        detail("The projection received v" + replayed.version() + " (meta.replay = true) and skipped it: "
                + replayed.outcome() + ", checkpoint v" + replayed.checkpoint() + ". Balance still "
                + money(balance(walletId)) + ".");
        expect(replay.exitCode() == 0 && replay.published() == 1, "the replay should publish one event");
        expect(replayed.outcome() == ProjectionResult.Outcome.ALREADY_APPLIED, "the projection should skip the replay");

        // 6. Transfers: a process manager across wallets.
        transfer(walletId, ref, store, projector, transfers, wallets);

        // 7. Integrity.
        IntegrityReport report = runtime.verify(ref);
        step(7, "verify: " + report.summary() + ".");
        expect(report.isClean(), "verify should find no defects");

        long folded = wallets.load(ref).state().balance();
        out.println();
        out.println("Result: wallet " + walletId + " holds " + money(folded) + " at version " + store.currentVersion(ref)
                + " (folded from its events); the projection says " + money(balance(walletId)) + " at checkpoint v"
                + projector.checkpoint(ref) + "; the audit log has " + audited(walletId) + " events.");
        runtime.requestSummary().forEach(out::println);
        expect(folded == balance(walletId) && folded == 3500, "state and projection should both be 35.00");
        expect(audited(walletId) == 7, "the audit log should hold the wallet's 7 events, once each");
    }

    /** Step 6: one transfer completes, one to a frozen wallet is compensated; a redelivery repeats nothing. */
    private void transfer(String walletId, AggregateRef ref, EventStore store, Projector projector,
                          ProcessManager<Transfers.Transfer> transfers, AggregateRepository<Wallet> wallets) {
        String to = walletId + "-b";
        String frozen = walletId + "-c";
        String completing = "tr-" + walletId.substring(4) + "-1";
        String refunded = "tr-" + walletId.substring(4) + "-2";
        long appendsBefore = runtime.appendsWritten();
        try (Dispatcher dispatcher = Dispatcher.of(store)) {
            DomainDispatchers.create(WalletEvents.class, dispatcher).frozen(frozen);
            Transfers.Requests requests = DomainDispatchers.create(Transfers.Requests.class, dispatcher);
            requests.requested(completing, walletId, to, 2500);
            requests.requested(refunded, walletId, frozen, 1000);
        }
        runtime.settle("both transfers ended and the projection caught up", () -> transferEnded(store, completing)
                && transferEnded(store, refunded) && projector.checkpoint(ref) >= 7 && audited(walletId) >= 7);
        step(6, "A process manager (\"" + Transfers.NAME + "\") moves money between wallets, fed by the queue "
                + runtime.processQueue() + ":");
        for (String id : List.of(completing, refunded)) {
            List<EventRecord> steps = store.readEvents(EventQuery.of(Transfers.TYPE.ref(id))).toList();
            Transfers.Transfer t = Transfers.TYPE.initialState();
            for (EventRecord e : steps) {
                t = Transfers.TYPE.evolver().evolve(t, e);
            }
            detail(String.format("%s %s from %s to %s: %s", id, money(t.cents()), t.from(), t.to(),
                    steps.stream().map(e -> e.eventType().substring("Transfer.".length()))
                            .collect(java.util.stream.Collectors.joining(" > ")))
                    + (t.reason() != null ? " (" + t.reason() + ")" : ""));
        }
        Transfers.Transfer done = state(store, completing);
        Transfers.Transfer back = state(store, refunded);
        expect(done.status() == Transfers.Status.COMPLETED, completing + " should complete");
        expect(back.status() == Transfers.Status.COMPENSATED && "frozen".equals(back.reason()),
                refunded + " should be refunded because " + frozen + " is frozen");
        long moved = runtime.appendsWritten() - appendsBefore;
        detail("Each step and each wallet command once: " + moved + " appends; " + walletId + " "
                + money(wallets.load(ref).state().balance()) + ", " + to + " "
                + money(wallets.load(Wallet.TYPE.ref(to)).state().balance()) + ", " + frozen + " "
                + money(wallets.load(Wallet.TYPE.ref(frozen)).state().balance()) + ".");
        expect(moved == 14, "the transfers should take 14 appends (1 freeze, 2 requests, 7 steps, 4 wallet commands)");
        expect(wallets.load(Wallet.TYPE.ref(to)).state().balance() == 2500, to + " should hold 25.00");

        EventRecord request = store.readEvents(EventQuery.of(Transfers.TYPE.ref(completing))).findFirst().orElseThrow();
        long before = runtime.appendsWritten();
        ProcessOutcome again = transfers.handle(request);
        detail("The request of " + completing + " delivered again: " + again.status() + ", commands "
                + again.commands().stream().map(c -> c.result().toString()).toList() + ", "
                + (runtime.appendsWritten() - before) + " appends.");
        expect(again.status() == ProcessOutcome.Status.ALREADY_STEPPED && runtime.appendsWritten() == before,
                "a redelivered request should write nothing");
        detail("What caused what: " + chain(store, request));
        List<ProcessOutcome> late = deadlines.due(java.time.Instant.now().plus(Transfers.EXPIRY).plusSeconds(1))
                .stream().map(transfers::deadline).toList();
        detail("Their expiry deadlines fired late: " + late.stream().map(o -> o.status().toString()).distinct().toList()
                + " (the transfers had ended).");
        expect(late.size() == 2 && late.stream().allMatch(o -> o.status() == ProcessOutcome.Status.IGNORED),
                "both deadlines should fire and find their transfers ended");
    }

    private static Transfers.Transfer state(EventStore store, String transferId) {
        Transfers.Transfer t = Transfers.TYPE.initialState();
        for (EventRecord e : store.readEvents(EventQuery.of(Transfers.TYPE.ref(transferId))).toList()) {
            t = Transfers.TYPE.evolver().evolve(t, e);
        }
        return t;
    }

    private static boolean transferEnded(EventStore store, String transferId) {
        return state(store, transferId).ended();
    }

    /** The chain of events caused by {@code first}, across the transfer and the wallets, by causationId. */
    private static String chain(EventStore store, EventRecord first) {
        Transfers.Transfer t = state(store, first.aggregateId());
        List<EventRecord> all = new ArrayList<>(store.readEvents(EventQuery.of(first.aggregate())).toList());
        all.addAll(store.readEvents(EventQuery.of(Wallet.TYPE.ref(t.from()))).toList());
        all.addAll(store.readEvents(EventQuery.of(Wallet.TYPE.ref(t.to()))).toList());
        List<String> links = new ArrayList<>();
        EventRecord at = first;
        while (at != null) {
            links.add(at.eventType());
            String cause = at.eventId();
            at = all.stream().filter(e -> cause.equals(e.causationId())).findFirst().orElse(null);
        }
        return String.join(" > ", links) + ".";
    }

    /** Events of the wallet the audit log received. */
    private long audited(String walletId) {
        return audit.stream().filter(walletId::equals).count();
    }

    /** First deliveries (not replays) of the wallet's events to the projection. */
    private long delivered(String walletId) {
        return deliveries.stream().filter(d -> !d.replay() && d.aggregateId().equals(walletId)).count();
    }

    private long balance(String walletId) {
        return balances.getOrDefault(walletId, 0L);
    }

    private void step(int n, String text) {
        out.println(n + ". " + text);
    }

    private void detail(String text) {
        out.println("   " + text);
    }

    private void expect(boolean condition, String what) {
        if (!condition) {
            surprises.add(what);
        }
    }
}
