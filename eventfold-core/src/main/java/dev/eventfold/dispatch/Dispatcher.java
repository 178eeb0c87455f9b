package dev.eventfold.dispatch;

import dev.eventfold.context.EventContext;
import dev.eventfold.internal.StorablePayloads;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.NewEvent;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.id.EventIdGenerator;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventStore;
import dev.eventfold.spi.PreparedAppend;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches events to an {@link EventStore}: fills ids, timestamps and context, finds the
 * expected version, appends, and retries what a retry can fix (WIRE.md section 8, with the
 * reference runtime's defects fixed).
 *
 * <ul>
 *   <li><b>One request in steady state.</b> A bounded per-aggregate cache of the last version
 *       seen lets a dispatch to a recently seen aggregate append directly; a stale entry costs
 *       one conflict, which reports the actual version, and the append is tried again.</li>
 *   <li><b>No fighting within a process.</b> Dispatches of this dispatcher to one aggregate take
 *       turns (one fair lock per aggregate in flight), and those that queue up behind the lock go
 *       out together as one append, each with its own result: threads of one process never
 *       conflict with each other, and contention makes requests fewer, not more. Conflicts with
 *       other processes are retried with full-jitter backoff starting in milliseconds.</li>
 *   <li><b>Never twice.</b> A throttled, failed or unanswered append is retried as the very same
 *       request (same expected version, event ids and idempotency key); the store recognises one
 *       that had landed and writes nothing. Bad input is never retried and never sent.</li>
 * </ul>
 *
 * <pre>{@code
 * Dispatcher dispatcher = Dispatcher.builder(store).build();
 * DispatchResult r = dispatcher.dispatchEvent(EventSpec.builder()
 *     .aggregate("wallet", "wal_123").eventType("Wallet.Funded").source("billing")
 *     .payload(Map.of("amount", 5000)).build());
 * r.version(); // the wallet's version after the event
 * }</pre>
 *
 * <p>Thread-safe. Close it to stop the threads of its own batch executor (an injected executor
 * is left alone).
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final EventStore store;
    private final Clock clock;
    private final EventIdGenerator ids;
    private final RetryPolicy retryPolicy;
    private final VersionCache versions;
    private final AggregateLocks locks;
    private final boolean combine;
    private final int batchConcurrency;
    private final Executor injectedExecutor;
    private final Sleeper sleeper;
    private final Supplier<? extends RandomGenerator> jitterSource;
    private volatile RandomGenerator jitter; // obtained on the first retry: nothing random in a snapshot
    private volatile ExecutorService ownExecutor;
    private volatile boolean closed;

    private Dispatcher(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.ids = b.ids;
        this.retryPolicy = b.retryPolicy;
        this.versions = new VersionCache(b.versionCacheSize);
        this.locks = b.serializeSameAggregate ? new AggregateLocks() : null;
        this.combine = b.serializeSameAggregate && b.combineConcurrentDispatches;
        this.batchConcurrency = b.batchConcurrency;
        this.injectedExecutor = b.executor;
        this.sleeper = b.sleeper;
        this.jitterSource = b.jitterSource;
    }

    /** A dispatcher with the defaults listed on {@link Builder}. */
    public static Dispatcher of(EventStore store) {
        return builder(store).build();
    }

    public static Builder builder(EventStore store) {
        return new Builder(store);
    }

    public EventStore store() {
        return store;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    // ---- one event ----

    /**
     * Dispatches one event and returns where it landed.
     *
     * @throws InvalidInputException        the store would refuse the event (nothing sent)
     * @throws ConcurrencyConflictException the caller's expected version was not the aggregate's,
     *                                      or conflicts outlasted the retry policy
     * @throws EventStoreException          a store failure that was not retryable or outlasted the policy
     */
    public DispatchResult dispatchEvent(EventSpec event) {
        Objects.requireNonNull(event, "event");
        NewEvent e = complete(event, EventContext.current());
        String key = event.idempotencyKey() != null ? event.idempotencyKey() : e.eventId();
        // Only dispatches whose ids the dispatcher made share a transaction: nobody can repeat them
        // later, so the one idempotency record of the shared append (the first event's) suffices.
        // An id of the caller's needs a record of its own, which a combined append cannot give it.
        if (combine && event.expectedVersion().isEmpty() && event.eventId() == null && event.idempotencyKey() == null) {
            return combined(event.aggregate(), e);
        }
        return append(event.aggregate(), List.of(e), key, event.expectedVersion()).get(0);
    }

    /** {@link #dispatchEvent(EventSpec)} for the common case: aggregate, type and payload. */
    public DispatchResult dispatchEvent(String aggregateType, String aggregateId, String eventType, Object payload) {
        return dispatchEvent(EventSpec.of(aggregateType, aggregateId, eventType, payload));
    }

    // ---- several events ----

    /** In parallel; results in input order. See {@link #dispatchEvents(List, BatchMode)}. */
    public List<DispatchResult> dispatchEvents(List<EventSpec> events) {
        return dispatchEvents(events, BatchMode.PARALLEL);
    }

    /** The reference runtime's signature: in parallel, or one after another when {@code inOrder}. */
    public List<DispatchResult> dispatchEvents(List<EventSpec> events, boolean inOrder) {
        return dispatchEvents(events, inOrder ? BatchMode.IN_ORDER : BatchMode.PARALLEL);
    }

    /**
     * Dispatches several events and returns their results in input order.
     *
     * @throws BatchDispatchException some event did not land; its {@link BatchDispatchException#outcome()}
     *                                tells which did, which failed and why
     * @throws InvalidInputException  an {@link BatchMode#ATOMIC} batch spans several aggregates, or
     *                                otherwise cannot be one append (nothing sent)
     */
    public List<DispatchResult> dispatchEvents(List<EventSpec> events, BatchMode mode) {
        return dispatchAll(events, mode).resultsOrThrow();
    }

    /**
     * Like {@link #dispatchEvents(List, BatchMode)}, but failures of single events are reported in
     * the returned value instead of thrown.
     */
    public BatchDispatchOutcome dispatchAll(List<EventSpec> events, BatchMode mode) {
        Objects.requireNonNull(mode, "mode");
        List<EventSpec> list = List.copyOf(Objects.requireNonNull(events, "events"));
        return switch (mode) {
            case PARALLEL -> parallel(list);
            case IN_ORDER -> inOrder(list);
            case ATOMIC -> atomic(list);
        };
    }

    private BatchDispatchOutcome inOrder(List<EventSpec> events) {
        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        boolean failed = false;
        for (int i = 0; i < events.size(); i++) {
            EventSpec e = events.get(i);
            if (failed) {
                outcomes.add(new EventOutcome.NotAttempted(i, e));
                continue;
            }
            EventOutcome o = attempt(i, e);
            failed = o instanceof EventOutcome.Failed;
            outcomes.add(o);
        }
        return new BatchDispatchOutcome(BatchMode.IN_ORDER, outcomes);
    }

    private BatchDispatchOutcome parallel(List<EventSpec> events) {
        int n = events.size();
        AtomicReferenceArray<EventOutcome> outcomes = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        // Workers take events by index until none is left. The calling thread is one of them, so the
        // batch completes even if the executor never runs a helper (saturated, or this call is nested in it).
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    outcomes.set(i, attempt(i, events.get(i)));
                } catch (Throwable t) { // an Error: still reported, so the caller never waits forever
                    outcomes.set(i, new EventOutcome.Failed(i, events.get(i), t));
                } finally {
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(n, batchConcurrency) - 1;
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

    private EventOutcome attempt(int index, EventSpec event) {
        try {
            return new EventOutcome.Landed(index, event, dispatchEvent(event));
        } catch (RuntimeException e) {
            return new EventOutcome.Failed(index, event, e);
        }
    }

    private BatchDispatchOutcome atomic(List<EventSpec> events) {
        if (events.isEmpty()) {
            return new BatchDispatchOutcome(BatchMode.ATOMIC, List.of());
        }
        EventSpec first = events.get(0);
        AggregateRef aggregate = first.aggregate();
        EventContext context = EventContext.current();
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
            newEvents.add(complete(e, context));
        }
        String key = first.idempotencyKey() != null ? first.idempotencyKey() : newEvents.get(0).eventId();
        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        try {
            List<DispatchResult> results = append(aggregate, newEvents, key, first.expectedVersion());
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

    // ---- the append loop ----

    /** The event as stored: defaults filled, explicit fields first, then the context. */
    private NewEvent complete(EventSpec spec, EventContext context) {
        return StorablePayloads.trusting(spec.storablePayload(), () -> NewEvent.builder()
                .eventId(spec.eventId() != null ? spec.eventId() : ids.newEventId())
                .eventType(spec.eventType())
                .source(spec.source() != null ? spec.source() : context.source())
                .schemaVersion(spec.schemaVersion())
                .occurredAt(spec.occurredAt() != null ? spec.occurredAt() : Timestamps.format(clock.instant()))
                .metadata(spec.metadata().orElse(context.metadata()))
                .payload(spec.storablePayload())
                .build());
    }

    /**
     * Flat combining: the dispatch joins its aggregate's queue, and whichever thread holds the
     * aggregate's lock appends everything queued, in arrival order, as one transaction. Alone, a
     * dispatch is one append of one event as usual; under contention, one request carries many.
     */
    private DispatchResult combined(AggregateRef aggregate, NewEvent event) {
        // Checked alone before it can share an append: a bad event fails its own dispatch only, unsent.
        // At the largest version: the version's digits are part of the item's size.
        PreparedAppend alone = PreparedAppend.of(AppendRequest.of(aggregate, Keys.MAX_VERSION - 1, event), clock.instant());
        PendingDispatch mine = new PendingDispatch(event, DynamoItemSize.of(alone.items().get(0)));
        String pk = aggregate.pk();
        AggregateLocks.Entry entry = locks.join(pk);
        entry.pending.add(mine);
        entry.lock.lock();
        try {
            while (!mine.result.isDone()) {
                commit(aggregate, pk, drain(entry));
            }
        } finally {
            locks.release(pk, entry);
        }
        return mine.join();
    }

    /** The oldest queued dispatches that fit one transaction ({@link AppendRequest#MAX_EVENTS} events, the size limit). */
    private static List<PendingDispatch> drain(AggregateLocks.Entry entry) {
        List<PendingDispatch> group = new ArrayList<>();
        long bytes = 0;
        for (PendingDispatch p = entry.pending.peek(); p != null && group.size() < AppendRequest.MAX_EVENTS;
             p = entry.pending.peek()) {
            // A few bytes of slack per item: its version (hence its size) is only known in the group.
            long next = bytes + p.itemBytes + 16;
            if (!group.isEmpty() && next > DynamoItemSize.MAX_TRANSACTION_BYTES) {
                break;
            }
            group.add(entry.pending.poll());
            bytes = next;
        }
        return group;
    }

    private void commit(AggregateRef aggregate, String pk, List<PendingDispatch> group) {
        List<NewEvent> events = new ArrayList<>(group.size());
        for (PendingDispatch p : group) {
            events.add(p.event);
        }
        try {
            List<DispatchResult> results = appendWithRetries(aggregate, events, events.get(0).eventId(),
                    OptionalLong.empty(), pk);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).result.complete(results.get(i));
            }
        } catch (Throwable t) { // every waiting caller gets the outcome, whatever it is
            for (PendingDispatch p : group) {
                p.result.completeExceptionally(t);
            }
        }
    }

    private List<DispatchResult> append(AggregateRef aggregate, List<NewEvent> events, String idempotencyKey,
                                        OptionalLong fixedVersion) {
        String pk = aggregate.pk();
        AggregateLocks.Entry lock = locks == null ? null : locks.acquire(pk);
        try {
            return appendWithRetries(aggregate, events, idempotencyKey, fixedVersion, pk);
        } finally {
            if (lock != null) {
                locks.release(pk, lock);
            }
        }
    }

    private List<DispatchResult> appendWithRetries(AggregateRef aggregate, List<NewEvent> events, String key,
                                                   OptionalLong fixedVersion, String pk) {
        OptionalLong known = fixedVersion.isPresent() ? fixedVersion : versions.get(pk);
        if (known.isEmpty()) {
            // The head is read before the append: refuse what the store would refuse before that request too.
            PreparedAppend.of(new AppendRequest(aggregate, Keys.MAX_VERSION - events.size(), events, key), clock.instant());
        }
        AppendRequest request = null;
        for (int attempt = 1; ; attempt++) {
            try {
                if (known.isEmpty()) {
                    known = OptionalLong.of(store.currentVersion(aggregate));
                }
                if (request == null || request.expectedVersion() != known.getAsLong()) {
                    request = new AppendRequest(aggregate, known.getAsLong(), events, key);
                }
                AppendResult r = store.append(request);
                versions.observe(pk, r.version());
                if (attempt > 1 || r.alreadyAppended()) {
                    LOG.debug("dispatch to {} landed at version {} after {} attempts{}", aggregate, r.version(),
                            attempt, r.alreadyAppended() ? " (an earlier attempt had landed)" : "");
                }
                return results(r, events, key, attempt);
            } catch (ConcurrencyConflictException c) {
                if (fixedVersion.isPresent() || !retryPolicy.retryConflicts() || attempt >= retryPolicy.maxAttempts()) {
                    versions.invalidate(pk);
                    throw c;
                }
                if (c.actualVersion().isPresent() && !retryPolicy.rereadHead()) {
                    known = c.actualVersion();
                    versions.correct(pk, known.getAsLong());
                } else {
                    known = OptionalLong.empty(); // re-read after the pause, so the head is as fresh as it can be
                    versions.invalidate(pk);
                }
                LOG.debug("conflict on {} (attempt {}): expected {}, actual {}", aggregate, attempt,
                        c.expectedVersion(), c.actualVersion());
                pause(attempt, c);
            } catch (EventStoreException e) {
                if (!e.isRetryable() || !retryPolicy.retryTransientErrors() || attempt >= retryPolicy.maxAttempts()) {
                    throw e;
                }
                // The same request again: if the failed one landed, the store recognises it and writes nothing.
                LOG.debug("{} on {} (attempt {}): retrying the same append", e.kind(), aggregate, attempt);
                pause(attempt, e);
            }
        }
    }

    private static List<DispatchResult> results(AppendResult r, List<NewEvent> events, String key, int attempts) {
        List<DispatchResult> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add(new DispatchResult(r.aggregate(), r.firstVersion() + i, events.get(i).eventId(), key,
                    r.alreadyAppended(), attempts));
        }
        return out;
    }

    private void pause(int attempt, RuntimeException cause) {
        Duration d = retryPolicy.backoff().delay(attempt, jitter());
        try {
            sleeper.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw cause; // give up with what we know; the interrupt stays visible to the caller
        }
    }

    private RandomGenerator jitter() {
        RandomGenerator r = jitter;
        if (r == null) {
            synchronized (this) {
                r = jitter;
                if (r == null) {
                    jitter = r = Objects.requireNonNull(jitterSource.get(), "jitter source returned null");
                }
            }
        }
        return r;
    }

    // ---- the batch executor ----

    private Executor executor() {
        if (injectedExecutor != null) {
            return injectedExecutor;
        }
        ExecutorService e = ownExecutor;
        if (e == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("dispatcher is closed");
                }
                e = ownExecutor;
                if (e == null) {
                    ownExecutor = e = newExecutor(batchConcurrency);
                }
            }
        }
        return e;
    }

    private static ExecutorService newExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "eventfold-dispatch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Threads start with the first batch and end when idle, so an idle process (or a snapshot) holds none.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Stops this dispatcher's own batch threads; an injected executor is not touched. */
    @Override
    public void close() {
        ExecutorService e;
        synchronized (this) {
            closed = true;
            e = ownExecutor;
            ownExecutor = null;
        }
        if (e != null) {
            e.shutdown();
        }
    }

    // ---- for tests of this package ----

    int pendingDispatches(AggregateRef aggregate) {
        if (locks == null) {
            return 0;
        }
        AggregateLocks.Entry e = locks.peek(aggregate.pk());
        return e == null ? 0 : e.pending.size();
    }

    int cachedAggregates() {
        return versions.size();
    }

    OptionalLong cachedVersion(AggregateRef aggregate) {
        return versions.get(aggregate.pk());
    }

    /**
     * Configures a {@link Dispatcher}. Defaults: the UTC system clock, {@code evt-} + ULID ids from
     * the process-wide generator, {@link RetryPolicy#defaults()}, a version cache of
     * {@value #DEFAULT_VERSION_CACHE_SIZE} aggregates, same-aggregate dispatches serialised, and
     * {@value #DEFAULT_BATCH_CONCURRENCY} events at a time in a parallel batch on the dispatcher's
     * own daemon threads.
     */
    public static final class Builder {
        public static final int DEFAULT_VERSION_CACHE_SIZE = 10_000;
        public static final int DEFAULT_BATCH_CONCURRENCY = 8;

        private final EventStore store;
        private Clock clock = Clock.systemUTC();
        private EventIdGenerator ids = EventIdGenerator.ulid();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private int versionCacheSize = DEFAULT_VERSION_CACHE_SIZE;
        private boolean serializeSameAggregate = true;
        private boolean combineConcurrentDispatches = true;
        private int batchConcurrency = DEFAULT_BATCH_CONCURRENCY;
        private Executor executor;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Supplier<? extends RandomGenerator> jitterSource = SecureRandom::new;

        private Builder(EventStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Stamps {@code occurredAt} when the event has none. */
        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        public Builder idGenerator(EventIdGenerator v) {
            this.ids = Objects.requireNonNull(v, "idGenerator");
            return this;
        }

        public Builder retryPolicy(RetryPolicy v) {
            this.retryPolicy = Objects.requireNonNull(v, "retryPolicy");
            return this;
        }

        /** Aggregates whose last version is remembered; 0 turns the cache off (a head read per dispatch). */
        public Builder versionCacheSize(int v) {
            this.versionCacheSize = v;
            return this;
        }

        /**
         * Whether dispatches of this dispatcher to one aggregate take turns (default) or race each
         * other through the store's optimistic concurrency check.
         */
        public Builder serializeSameAggregate(boolean v) {
            this.serializeSameAggregate = v;
            return this;
        }

        /**
         * Whether dispatches to one aggregate that queue behind each other go out together, as one
         * append (default), or one append each. Only dispatches with neither a fixed expected version
         * nor an idempotency key of their own are combined. Needs {@link #serializeSameAggregate}.
         */
        public Builder combineConcurrentDispatches(boolean v) {
            this.combineConcurrentDispatches = v;
            return this;
        }

        /** Events of one parallel batch in flight at once, the calling thread included. */
        public Builder batchConcurrency(int v) {
            this.batchConcurrency = v;
            return this;
        }

        /**
         * Runs the helpers of parallel batches (the calling thread works too). Default: the
         * dispatcher's own pool of {@code batchConcurrency} daemon threads, created on first use.
         */
        public Builder executor(Executor v) {
            this.executor = Objects.requireNonNull(v, "executor");
            return this;
        }

        /** The source of backoff jitter, obtained on the first retry. Default: {@link SecureRandom}. */
        public Builder jitter(Supplier<? extends RandomGenerator> v) {
            this.jitterSource = Objects.requireNonNull(v, "jitter");
            return this;
        }

        Builder sleeper(Sleeper v) {
            this.sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        public Dispatcher build() {
            if (versionCacheSize < 0) {
                throw new InvalidInputException("versionCacheSize", "must be 0 (off) or more, was " + versionCacheSize);
            }
            if (batchConcurrency < 1) {
                throw new InvalidInputException("batchConcurrency", "must be at least 1, was " + batchConcurrency);
            }
            return new Dispatcher(this);
        }
    }
}
