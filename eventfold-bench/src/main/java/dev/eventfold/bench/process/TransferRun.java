package dev.eventfold.bench.process;

import dev.eventfold.cli.demo.Transfers;
import dev.eventfold.cli.demo.WalletEvents;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.listener.EventListener;
import dev.eventfold.process.InMemoryDeadlines;
import dev.eventfold.process.ProcessManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Transfers end to end through the queue path: the wallets are funded (before the event path
 * starts, so funding is neither timed nor queued), then the clock starts, one caller appends the
 * {@code Transfer.Requested} events, keeping {@value #OPEN_TRANSFERS} transfers open at most, while
 * the runtime's threads run the process manager from the queue, and the clock stops when the last
 * transfer's terminal event reaches the listener. Afterwards the
 * store is audited ({@link TransferAudit}): a run that lost or doubled anything throws.
 */
final class TransferRun {
    /**
     * @param requests by service and operation, from the start of the clock to the last ending
     *                 (polling included); empty on the embedded runtime
     */
    record Result(String runtime, int listenerConcurrency, int transfers, int completed, int compensated,
                  List<Long> endedAfterNanos, long appends, Map<String, Map<String, Long>> requests,
                  QueueTraffic.Counts messages, long endingRedeliveries, long fundedCents, long heldCents) {
        Result {
            endedAfterNanos = List.copyOf(endedAfterNanos);
        }

        /** Until the last transfer ended. */
        double seconds() {
            return endedAfterNanos.get(endedAfterNanos.size() - 1) / 1e9;
        }

        /** Transfers per second while the {@code from}-th to the {@code to}-th (exclusive, 0 first) ended. */
        double rate(int from, int to) {
            long begin = from == 0 ? 0 : endedAfterNanos.get(from - 1);
            return (to - from) / ((endedAfterNanos.get(to - 1) - begin) / 1e9);
        }

        double msPerRequest() {
            return seconds() * 1000 / Math.max(1, totalRequests());
        }

        double transfersPerSecond() {
            return transfers / seconds();
        }

        long totalRequests() {
            return requests.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
        }

        long requests(String service, String operation) {
            return requests.getOrDefault(service, Map.of()).getOrDefault(operation, 0L);
        }

        long serviceRequests(String service) {
            return requests.getOrDefault(service, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Transfers the caller keeps open. A burst of every request at once would only queue up: moto's
     * SQS walks the whole queue on every receive and delete, so a deep backlog slows each message
     * (SQS does not), and a single listener gains nothing from more than a few waiting.
     */
    static final int OPEN_TRANSFERS = 50;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);
    /** No transfer ended for this long: the path is stuck (a lost message, a stranded stream iterator). */
    private static final Duration STALL = Duration.ofSeconds(90);

    private TransferRun() {
    }

    /**
     * @param listenerConcurrency records the listener runs at once (on a standard queue each message is
     *                            a group of its own)
     */
    static Result run(TransferRuntime runtime, TransferPlan plan, int listenerConcurrency, Duration timeout)
            throws InterruptedException {
        try (runtime) {
            fund(runtime, plan);
            ProcessManager<Transfers.Transfer> transfers =
                    Transfers.processManager(runtime.store(), new InMemoryDeadlines());
            // A closed loop: one caller keeps at most OPEN_TRANSFERS transfers open (requested, not ended).
            Semaphore open = new Semaphore(OPEN_TRANSFERS);
            Endings endings = new Endings(
                    plan.transfers().stream().map(TransferPlan.Transfer::id).collect(Collectors.toSet()), open::release);
            EventListener.Builder listener = EventListener.builder().process(transfers).concurrency(listenerConcurrency);
            Endings.TERMINAL_TYPES.forEach(type -> listener.on(type, endings));
            runtime.start(listener.build());

            Watch watch = new Watch(runtime, plan.transfers().size(), timeout);
            try (Dispatcher dispatcher = Dispatcher.of(runtime.store())) {
                Transfers.Requests requests = DomainDispatchers.create(Transfers.Requests.class, dispatcher);
                for (TransferPlan.Transfer t : plan.transfers()) {
                    while (!open.tryAcquire(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                        watch.check(endings.ended());
                    }
                    requests.requested(t.id(), t.from(), t.to(), t.cents());
                }
            }
            while (!endings.await(PROGRESS_EVERY)) {
                watch.check(endings.ended());
            }
            // Taken at once: the pollers keep polling (and counting) until stopped.
            List<Long> endedAfter = endings.endedAfter(watch.start);
            long appends = runtime.appends();
            Map<String, Map<String, Long>> requests = runtime.requests();
            runtime.stop(); // the poller finishes the batch in hand: its deletes are in the message counts
            QueueTraffic.Counts messages = runtime.messages();
            TransferAudit.Result audit = TransferAudit.check(plan, runtime.store());
            return new Result(runtime.describe(), listenerConcurrency, plan.transfers().size(), audit.completed(),
                    audit.compensated(), endedAfter, appends, requests, messages, endings.redeliveries(),
                    audit.fundedCents(), audit.heldCents());
        }
    }

    /** Prints progress while a run waits, and ends a run that timed out or stopped moving. */
    private static final class Watch {
        final long start = System.nanoTime();
        private final TransferRuntime runtime;
        private final int transfers;
        private final Duration timeout;
        private int seen = -1;
        private long lastChange = start;

        Watch(TransferRuntime runtime, int transfers, Duration timeout) {
            this.runtime = runtime;
            this.transfers = transfers;
            this.timeout = timeout;
        }

        /** @throws IllegalStateException past the timeout, or when nothing ended for {@link #STALL} */
        void check(int ended) {
            long now = System.nanoTime();
            System.err.printf("  %d of %d ended; %s%n", ended, transfers, runtime.progress());
            if (ended != seen) {
                seen = ended;
                lastChange = now;
            }
            boolean late = now - start > timeout.toNanos();
            if (late || now - lastChange > STALL.toNanos()) {
                throw new IllegalStateException(runtime.describe() + ": " + ended + " of " + transfers
                        + " transfers ended, " + (late ? "timed out after " + timeout.toSeconds() + " s"
                        : "none for " + STALL.toSeconds() + " s") + "; " + runtime.progress());
            }
        }
    }

    private static void fund(TransferRuntime runtime, TransferPlan plan) {
        try (Dispatcher dispatcher = Dispatcher.of(runtime.store())) {
            WalletEvents wallets = DomainDispatchers.create(WalletEvents.class, dispatcher);
            plan.wallets().forEach(w -> wallets.funded(w, plan.funding().get(w)));
            plan.frozen().forEach(wallets::frozen);
        }
    }
}
