package dev.eventfold.dispatch;

import dev.eventfold.context.EventContext;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.internal.concurrent.LazyExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How a {@link Dispatcher} runs a batch: one event after another, several at once (the caller's
 * thread plus helpers on the batch executor), or as one atomic append. Each event's outcome is
 * a value; nothing here throws for a single event's failure.
 */
final class BatchRunner implements AutoCloseable {
    /** Dispatches one event of a batch and reports its outcome (never throws for the event's failure). */
    @FunctionalInterface
    interface Attempt {
        EventOutcome attempt(int index, EventSpec event);
    }

    private final int concurrency;
    private final Executor injectedExecutor;
    private final LazyExecutor ownExecutor;

    BatchRunner(int concurrency, Executor injectedExecutor) {
        this.concurrency = concurrency;
        this.injectedExecutor = injectedExecutor;
        // Threads start with the first batch and end when idle, so an idle process (or a snapshot) holds none.
        this.ownExecutor = LazyExecutor.idleEnding("eventfold-dispatch", concurrency, Duration.ofSeconds(30))
                .refusingAfterClose("dispatcher is closed");
    }

    static BatchDispatchOutcome inOrder(List<EventSpec> events, Attempt attempt) {
        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        boolean failed = false;
        for (int i = 0; i < events.size(); i++) {
            EventSpec e = events.get(i);
            if (failed) {
                outcomes.add(new EventOutcome.NotAttempted(i, e));
                continue;
            }
            EventOutcome o = attempt.attempt(i, e);
            failed = o instanceof EventOutcome.Failed;
            outcomes.add(o);
        }
        return new BatchDispatchOutcome(BatchMode.IN_ORDER, outcomes);
    }

    BatchDispatchOutcome parallel(List<EventSpec> events, Attempt attempt) {
        int n = events.size();
        AtomicReferenceArray<EventOutcome> outcomes = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        // Workers take events by index until none is left. The calling thread is one of them, so the
        // batch completes even if the executor never runs a helper (saturated, or this call is nested in it).
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    outcomes.set(i, attempt.attempt(i, events.get(i)));
                } catch (Throwable t) { // an Error: still reported, so the caller never waits forever
                    outcomes.set(i, new EventOutcome.Failed(i, events.get(i), t));
                } finally {
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(n, concurrency) - 1;
        if (helpers > 0) {
            Executor executor = executor();
            for (int h = 0; h < helpers; h++) {
                try {
                    executor.execute(EventContext.wrap(worker)); // the caller's context, on the helper's thread
                } catch (RejectedExecutionException e) {
                    break; // fewer helpers; the caller does the rest
                }
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // events in flight still finish; their outcome must be reported
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<EventOutcome> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(outcomes.get(i));
        }
        return new BatchDispatchOutcome(BatchMode.PARALLEL, list);
    }

    /**
     * The events of an atomic batch, checked to be one append (one aggregate; an expected version
     * and an idempotency key only on the first) and completed one by one, in order.
     *
     * @throws InvalidInputException the batch cannot be one append (nothing sent)
     */
    static List<NewEvent> oneAppend(List<EventSpec> events, Function<EventSpec, NewEvent> complete) {
        AggregateRef aggregate = events.get(0).aggregate();
        List<NewEvent> newEvents = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EventSpec e = events.get(i);
            if (!e.aggregate().equals(aggregate)) {
                throw new InvalidInputException("events", "an atomic dispatch appends to one aggregate: event #" + i
                        + " is for " + e.aggregate() + ", event #0 for " + aggregate);
            }
            if (i > 0 && e.expectedVersion().isPresent()) {
                throw new InvalidInputException("expectedVersion", "only the first event of an atomic dispatch may"
                        + " carry an expected version (event #" + i + ")");
            }
            if (i > 0 && e.idempotencyKey() != null) {
                throw new InvalidInputException("idempotencyKey", "only the first event of an atomic dispatch may"
                        + " carry an idempotency key (event #" + i + ")");
            }
            newEvents.add(complete.apply(e));
        }
        return newEvents;
    }

    /** The outcome of an atomic batch: every event landed with the one append, or every event failed with it. */
    static BatchDispatchOutcome atomic(List<EventSpec> events, Supplier<List<DispatchResult>> append) {
        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        try {
            List<DispatchResult> results = append.get();
            for (int i = 0; i < events.size(); i++) {
                outcomes.add(new EventOutcome.Landed(i, events.get(i), results.get(i)));
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < events.size(); i++) {
                outcomes.add(new EventOutcome.Failed(i, events.get(i), e));
            }
        }
        return new BatchDispatchOutcome(BatchMode.ATOMIC, outcomes);
    }

    private Executor executor() {
        return injectedExecutor != null ? injectedExecutor : ownExecutor.get();
    }

    /** Stops the own batch threads; an injected executor is not touched. */
    @Override
    public void close() {
        ownExecutor.close();
    }
}
