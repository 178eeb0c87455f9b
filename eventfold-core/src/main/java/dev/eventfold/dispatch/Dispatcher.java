package dev.eventfold.dispatch;

import dev.eventfold.internal.Checks;
import dev.eventfold.internal.DispatchScope;
import dev.eventfold.context.EventContext;
import dev.eventfold.internal.StorablePayloads;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Sleeper;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.id.EventIdGenerator;
import dev.eventfold.store.EventStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

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
 *   <li><b>Once per delivery.</b> While a listener handler or a reaction handles an incoming event
 *       (on the calling thread), a dispatch without an event id or idempotency key of its own gets
 *       both derived from that handling (ADR 0007): a redelivered event makes the same appends,
 *       recognised as already appended.</li>
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
    private final EventStore store;
    private final Clock clock;
    private final EventIdGenerator ids;
    private final RetryPolicy retryPolicy;
    private final VersionCache versions;
    private final AppendQueue appends;
    private final boolean combine;
    private final BatchRunner batches;

    private Dispatcher(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.ids = b.ids;
        this.retryPolicy = b.retryPolicy;
        this.versions = new VersionCache(b.versionCacheSize);
        this.appends = new AppendQueue(new AppendLoop(b.store, b.clock, b.retryPolicy, versions, b.sleeper,
                b.jitterSource), b.clock, b.serializeSameAggregate);
        this.combine = b.serializeSameAggregate && b.combineConcurrentDispatches;
        this.batches = new BatchRunner(b.batchConcurrency, b.executor);
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
        DispatchScope scope = DispatchScope.current();
        return landed(scope, dispatchOne(scoped(scope, event, true)));
    }

    private DispatchResult dispatchOne(EventSpec event) {
        return dispatchCompleted(event, complete(event, EventContext.current()),
                event.eventId() == null && event.idempotencyKey() == null);
    }

    /**
     * While a listener handler, a reaction or a process step is handling an incoming event, a spec
     * without an id or key of its own gets ids derived from that handling (ADR 0007), on the calling
     * thread.
     */
    private static EventSpec scoped(DispatchScope scope, EventSpec spec, boolean withKey) {
        if (scope == null || spec.eventId() != null || spec.idempotencyKey() != null) {
            return spec;
        }
        String id = scope.nextEventId(spec.aggregate(), spec.eventType());
        return spec.withDerivedIds(id, withKey ? DispatchScope.keyOf(id) : null);
    }

    private static DispatchResult landed(DispatchScope scope, DispatchResult result) {
        if (scope != null) {
            scope.landed(result, result.alreadyAppended());
        }
        return result;
    }

    /**
     * Dispatches one event after {@code finish} has seen it as it will be appended: its event id
     * (generated when the spec has none), {@code occurredAt}, source and the current context's fields
     * filled in. What {@code finish} returns is appended, so it can compute fields from the final
     * event, e.g. a correlation id that is the event's own id when no context gives one. Typed
     * dispatchers run their {@code EventEnricher} here.
     *
     * <pre>{@code
     * dispatcher.dispatchEvent(spec, e -> e.correlationId() != null ? e
     *     : e.toBuilder().correlationId(e.eventId()).build());
     * }</pre>
     */
    public DispatchResult dispatchEvent(EventSpec event, UnaryOperator<EventSpec> finish) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(finish, "finish");
        EventContext context = EventContext.current();
        DispatchScope scope = DispatchScope.current();
        EventSpec own = scoped(scope, event, true);
        EventSpec resolved = resolve(own, context);
        EventSpec finished = Objects.requireNonNull(finish.apply(resolved), "finish returned null");
        // Still the dispatcher's own ids when finish kept the one it made and added no key.
        boolean generated = own.eventId() == null && own.idempotencyKey() == null
                && resolved.eventId().equals(finished.eventId()) && finished.idempotencyKey() == null;
        return landed(scope, dispatchCompleted(finished, complete(finished, EventContext.EMPTY), generated));
    }

    private DispatchResult dispatchCompleted(EventSpec event, NewEvent e, boolean generated) {
        String key = keyOf(event, e);
        // Only dispatches whose ids the dispatcher made share a transaction: nobody can repeat them
        // later, and the dispatcher recognises its own resends by the versions they claimed. An id of
        // the caller's needs an idempotency record of its own, which a combined append cannot give it.
        if (combine && event.expectedVersion().isEmpty() && generated) {
            return appends.combined(event.aggregate(), e);
        }
        return appends.append(event.aggregate(), List.of(e), key, event.expectedVersion(), generated).get(0);
    }

    /**
     * Refuses, as {@link #dispatchEvent(EventSpec)} would, an event the store would refuse (a payload
     * above the item size, an idempotency key that is too long, ...), without sending anything.
     * For callers that dispatch several events one after another and must not write the first when
     * a later one is invalid (reactions check all their outgoing events first).
     *
     * @throws InvalidInputException what the dispatch would throw before its first request
     */
    public void check(EventSpec event) {
        Objects.requireNonNull(event, "event");
        NewEvent e = complete(event, EventContext.current());
        PreparedAppend.of(new AppendRequest(event.aggregate(), event.expectedVersion().orElse(0L), List.of(e),
                keyOf(event, e)), clock.instant());
    }

    /** The append's idempotency key: the caller's, else the (first) event's id. */
    private static String keyOf(EventSpec spec, NewEvent event) {
        return spec.idempotencyKey() != null ? spec.idempotencyKey() : event.eventId();
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
        List<EventSpec> given = List.copyOf(Objects.requireNonNull(events, "events"));
        // Ids of a scope are derived here, on the calling thread, before a parallel batch fans out.
        DispatchScope scope = DispatchScope.current();
        List<EventSpec> list = new ArrayList<>(given.size());
        boolean oneKey = mode == BatchMode.ATOMIC && !given.isEmpty() && given.get(0).idempotencyKey() == null
                && given.stream().allMatch(e -> e.eventId() == null);
        for (int i = 0; i < given.size(); i++) {
            // An atomic batch is one append with one key: the first event's.
            list.add(mode != BatchMode.ATOMIC ? scoped(scope, given.get(i), true)
                    : oneKey ? scoped(scope, given.get(i), i == 0) : given.get(i));
        }
        BatchDispatchOutcome outcome = switch (mode) {
            case PARALLEL -> batches.parallel(list, this::attempt);
            case IN_ORDER -> BatchRunner.inOrder(list, this::attempt);
            case ATOMIC -> atomic(list);
        };
        if (scope != null) {
            outcome.landed().forEach(l -> scope.landed(l.result(), l.result().alreadyAppended()));
        }
        return outcome;
    }

    private EventOutcome attempt(int index, EventSpec event) {
        try {
            return new EventOutcome.Landed(index, event, dispatchOne(event));
        } catch (RuntimeException e) {
            return new EventOutcome.Failed(index, event, e);
        }
    }

    private BatchDispatchOutcome atomic(List<EventSpec> events) {
        if (events.isEmpty()) {
            return new BatchDispatchOutcome(BatchMode.ATOMIC, List.of());
        }
        EventSpec first = events.get(0);
        EventContext context = EventContext.current();
        List<NewEvent> newEvents = BatchRunner.oneAppend(events, e -> complete(e, context));
        String key = keyOf(first, newEvents.get(0));
        boolean generated = first.idempotencyKey() == null && events.stream().allMatch(e -> e.eventId() == null);
        return BatchRunner.atomic(events,
                () -> appends.append(first.aggregate(), newEvents, key, first.expectedVersion(), generated));
    }

    // ---- the event as stored ----

    /** The spec with what dispatch fills in: an event id, the time, the context's source and metadata. */
    private EventSpec resolve(EventSpec spec, EventContext context) {
        return spec.resolved(spec.eventId() != null ? spec.eventId() : ids.newEventId(),
                spec.occurredAt() != null ? spec.occurredAt() : Timestamps.format(clock.instant()),
                spec.source() != null ? spec.source() : context.source(),
                spec.metadata().orElse(context.metadata()));
    }

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

    /** Stops this dispatcher's own batch threads; an injected executor is not touched. */
    @Override
    public void close() {
        batches.close();
    }

    // ---- for tests of this package ----

    int pendingDispatches(AggregateRef aggregate) {
        return appends.pending(aggregate);
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
            this.store = Checks.notNull(store, "store");
        }

        /** Stamps {@code occurredAt} when the event has none. */
        public Builder clock(Clock v) {
            this.clock = Checks.notNull(v, "clock");
            return this;
        }

        public Builder idGenerator(EventIdGenerator v) {
            this.ids = Checks.notNull(v, "idGenerator");
            return this;
        }

        public Builder retryPolicy(RetryPolicy v) {
            this.retryPolicy = Checks.notNull(v, "retryPolicy");
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
            this.executor = Checks.notNull(v, "executor");
            return this;
        }

        /** The source of backoff jitter, obtained on the first retry. Default: {@link SecureRandom}. */
        public Builder jitter(Supplier<? extends RandomGenerator> v) {
            this.jitterSource = Checks.notNull(v, "jitter");
            return this;
        }

        Builder sleeper(Sleeper v) {
            this.sleeper = Checks.notNull(v, "sleeper");
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
