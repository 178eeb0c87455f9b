package dev.eventfold.listener;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.internal.Checks;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.process.ProcessManager;
import dev.eventfold.process.ProcessOutcome;
import dev.eventfold.reaction.ReactionOutcome;
import dev.eventfold.reaction.Reactor;
import dev.eventfold.internal.DispatchScope;
import dev.eventfold.internal.concurrent.LazyExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a batch of queue messages carrying events (the reference's {@code createEventListener},
 * WIRE.md section 7) and returns the outcome per record as a value; it knows nothing of AWS.
 *
 * <ul>
 *   <li>Routing by eventType; an entry may be an alias naming another type, resolved
 *       transitively when the listener is built. Types with no handler are acknowledged.</li>
 *   <li>While a handler runs, {@link EventContext#current()} is the event's context
 *       ({@code causationId} = its eventId); it is cleared after.</li>
 *   <li>While a handler runs, its dispatches without ids of their own derive them from the delivery
 *       ({@link Builder#derivedDispatchIds}): a redelivered event dispatches nothing twice.</li>
 *   <li>Reactions ({@link Builder#react}) and process managers ({@link Builder#process}) as routes,
 *       their outcomes as the records' statuses.</li>
 *   <li>An optional {@link Builder#upcast transform} (upcasters) runs on every event before routing.</li>
 *   <li>Staleness per {@link StalenessPolicy}, a default and per event type.</li>
 *   <li>Anything a handler throws, an {@code Error} included, fails its record only; an
 *       {@code OutOfMemoryError} alone is rethrown and fails the batch.</li>
 *   <li>Once a record of a FIFO message group fails, the later records of that group in the batch
 *       fail without running. Groups (and messages without a group) run concurrently, up to
 *       {@link Builder#concurrency(int)} at a time; one group's records strictly in order.</li>
 *   <li>A body is the event JSON, or an EventBridge envelope whose {@code detail} is.</li>
 *   <li>A body that is not an event fails only its own record; logs name the messageId, and show
 *       the body only at debug level.</li>
 * </ul>
 *
 * <pre>{@code
 * EventListener listener = EventListener.builder()
 *     .on("Wallet.Funded", Funded.class, (funded, event) -> balances.add(event.aggregateId(), funded.amount()))
 *     .alias("Wallet.Credited", "Wallet.Funded")
 *     .staleness(StalenessPolicy.of(Duration.ofMinutes(10), OnStale.PROCESS_DEGRADED))
 *     .build();
 * BatchOutcome outcome = listener.handle(messages);
 * }</pre>
 */
public final class EventListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventListener.class);

    private final Map<String, Route> routes;
    private final StalenessPolicy defaultStaleness;
    private final Map<String, StalenessPolicy> stalenessByType;
    private final int concurrency;
    private final Executor configuredExecutor;
    private final Clock clock;
    private final boolean debug;
    private final UnaryOperator<EventRecord> upcast;
    private final boolean derivedDispatchIds;
    private final LazyExecutor ownExecutor;

    private EventListener(Builder b, Map<String, Route> routes) {
        this.routes = Map.copyOf(routes);
        this.defaultStaleness = b.defaultStaleness;
        this.stalenessByType = Map.copyOf(b.stalenessByType);
        this.concurrency = b.concurrency;
        this.configuredExecutor = b.executor;
        // The calling thread is one of the workers: the pool needs one thread fewer (none with concurrency 1).
        this.ownExecutor = LazyExecutor.fixed("eventfold-listener", Math.max(1, b.concurrency - 1));
        this.clock = b.clock;
        this.debug = b.debug;
        this.upcast = b.upcast;
        this.derivedDispatchIds = b.derivedDispatchIds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The event types this listener runs a handler for, aliases included. */
    public java.util.Set<String> handledTypes() {
        return routes.keySet();
    }

    /** Handles one batch; never throws for a record's failure, which is in the outcome instead. */
    public BatchOutcome handle(List<QueueMessage> batch) {
        Objects.requireNonNull(batch, "batch");
        AtomicReferenceArray<RecordResult> results = new AtomicReferenceArray<>(batch.size());
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            QueueMessage m = Objects.requireNonNull(batch.get(i), "message");
            // A message without a group (standard queue) is a group of its own.
            String key = m.messageGroupId() != null ? "g:" + m.messageGroupId() : "m:" + i;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        Queue<List<Integer>> work = new ConcurrentLinkedQueue<>(groups.values());
        int workers = Math.min(concurrency, groups.size());
        if (workers <= 1) {
            drain(work, batch, results);
        } else {
            Executor executor = executor();
            List<CompletableFuture<Void>> others = new ArrayList<>(workers - 1);
            for (int w = 1; w < workers; w++) {
                // The caller's context (a source set once per service) on every worker.
                others.add(CompletableFuture.runAsync(EventContext.wrap(() -> drain(work, batch, results)), executor));
            }
            drain(work, batch, results); // the calling thread is one of the workers
            others.forEach(CompletableFuture::join);
        }
        List<RecordResult> list = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            list.add(results.get(i));
        }
        return new BatchOutcome(list);
    }

    private void drain(Queue<List<Integer>> work, List<QueueMessage> batch, AtomicReferenceArray<RecordResult> results) {
        for (List<Integer> group = work.poll(); group != null; group = work.poll()) {
            boolean groupFailed = false;
            for (int i : group) {
                QueueMessage m = batch.get(i);
                RecordResult r;
                if (groupFailed) {
                    log.warn("messageId={} not run: an earlier record of message group {} failed in this batch",
                            m.messageId(), m.messageGroupId());
                    r = RecordResult.failed(m.messageId(), null, RecordResult.Reason.EARLIER_IN_GROUP_FAILED,
                            "an earlier record of group " + m.messageGroupId() + " failed");
                } else {
                    r = handleSafely(m);
                    groupFailed = r.isFailure();
                }
                results.set(i, r);
            }
        }
    }

    /**
     * One record, whatever goes wrong: anything thrown fails this record only. An
     * OutOfMemoryError alone is rethrown (the process cannot be trusted to go on; the whole batch
     * is then retried by the queue).
     */
    private RecordResult handleSafely(QueueMessage m) {
        try {
            return handleOne(m);
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            log.error("messageId={} failed unexpectedly", m.messageId(), t);
            return RecordResult.failed(m.messageId(), null, RecordResult.Reason.HANDLER_FAILED, t.getClass().getName());
        }
    }

    private RecordResult handleOne(QueueMessage m) {
        EventRecord event;
        try {
            event = EventItems.fromJson(eventNode(EventJson.parse(m.body())));
        } catch (InvalidInputException e) {
            // The exception names the attribute, never the body; the body itself only at debug.
            log.error("messageId={} is not a readable event: {}", m.messageId(), e.getMessage());
            log.debug("messageId={} body: {}", m.messageId(), m.body());
            return RecordResult.failed(m.messageId(), null, RecordResult.Reason.UNREADABLE_BODY, e.getMessage());
        }
        if (upcast != null) {
            try {
                event = Objects.requireNonNull(upcast.apply(event), "upcast returned null");
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Throwable t) {
                // Exceptions of the upcast package name the event and step, never the payload.
                log.error("messageId={} {} could not be upcast: {}", m.messageId(), event, t.toString());
                return RecordResult.failed(m.messageId(), event.eventType(), RecordResult.Reason.UPCAST_FAILED,
                        t.getClass().getName());
            }
        }
        if (debug) {
            log.info("messageId={} received {}", m.messageId(), event);
            log.debug("messageId={} body: {}", m.messageId(), m.body());
        }
        Route route = routes.get(event.eventType());
        if (route == null) {
            log.debug("messageId={} has no handler for {}: acknowledged", m.messageId(), event.eventType());
            return RecordResult.ok(m.messageId(), RecordResult.Status.UNROUTED, event.eventType());
        }
        StalenessPolicy policy = stalenessByType.getOrDefault(event.eventType(), defaultStaleness);
        long age = StalenessPolicy.ageMillis(event.occurredAtInstant(), clock.instant());
        if (policy.isStale(age)) {
            switch (policy.onStale()) {
                case SKIP -> {
                    log.info("messageId={} skipped: {} is stale ({} ms old)", m.messageId(), event, age);
                    return RecordResult.ok(m.messageId(), RecordResult.Status.SKIPPED_STALE, event.eventType());
                }
                case PROCESS_DEGRADED -> event = event.withMeta(event.meta().withStaleness(true, age));
                case PROCESS_NORMALLY -> {
                }
            }
        }
        // The event's metadata replaces the caller's; a source the service set once stays.
        EventContext context = EventContext.current().withMetadata(event.metadata().withCausationId(event.eventId()));
        EventRecord delivered = event;
        try {
            // Dispatches of the handler without ids of their own derive them from this delivery (ADR 0007).
            DispatchScope scope = derivedDispatchIds
                    ? DispatchScope.of("handler\n" + event.eventType() + "\n" + event.eventId()) : null;
            RecordResult.Status status = EventContext.callWith(context,
                    () -> scope != null ? scope.call(() -> route.invoke(delivered)) : route.invoke(delivered));
            return RecordResult.ok(m.messageId(), status, event.eventType());
        } catch (RouteFailed e) {
            return RecordResult.failed(m.messageId(), event.eventType(), e.reason, e.getMessage());
        } catch (UnreadablePayload e) {
            log.error("messageId={} payload of {} cannot be bound: {}", m.messageId(), event, e.getMessage());
            return RecordResult.failed(m.messageId(), event.eventType(), RecordResult.Reason.UNREADABLE_PAYLOAD,
                    e.getMessage());
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable e) {
            // Errors too (an AssertionError, a NoClassDefFoundError, a StackOverflowError): one record's.
            log.warn("messageId={} handler for {} failed", m.messageId(), event, e);
            return RecordResult.failed(m.messageId(), event.eventType(), RecordResult.Reason.HANDLER_FAILED,
                    e.getClass().getName());
        }
    }

    /**
     * The event of a body: the body itself (what the stream fan-out sends to queues), or the
     * {@code detail} of an EventBridge envelope (what a bus rule with an SQS target delivers).
     */
    static JsonNode eventNode(JsonNode body) {
        JsonNode detail = body.get("detail");
        if (body.has("detail-type") && detail != null && detail.isObject()) {
            return detail;
        }
        return body;
    }

    private Executor executor() {
        return configuredExecutor != null ? configuredExecutor : ownExecutor.get();
    }

    /** Stops the listener's own worker threads, if it started any (a later batch starts new ones). */
    @Override
    public void close() {
        ownExecutor.close();
    }

    @FunctionalInterface
    private interface Route {
        RecordResult.Status invoke(EventRecord event) throws Exception;
    }

    /** A reaction's or a process's failure (already logged there): the record's, told apart from a handler's. */
    private static final class RouteFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final RecordResult.Reason reason;

        RouteFailed(RecordResult.Reason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /** The record's status from a process manager's outcome. */
    static RecordResult.Status status(ProcessOutcome outcome) {
        return switch (outcome.status()) {
            case STEPPED, RESUMED -> RecordResult.Status.REACTED;
            case ALREADY_STEPPED -> RecordResult.Status.ALREADY_REACTED;
            case IGNORED -> RecordResult.Status.NO_REACTION;
            case FAILED -> {
                ProcessOutcome.Failure f = outcome.failure().orElseThrow();
                throw new RouteFailed(RecordResult.Reason.PROCESS_FAILED,
                        "process " + outcome.process() + ": " + f.reason() + " " + f.detail());
            }
        };
    }

    /** The record's status from its reactions' outcomes: a failure wins, then an append of this delivery. */
    static RecordResult.Status status(List<ReactionOutcome> outcomes) {
        for (ReactionOutcome o : outcomes) {
            if (o.isFailure()) {
                ReactionOutcome.Failure f = o.failure().orElseThrow();
                throw new RouteFailed(RecordResult.Reason.REACTION_FAILED,
                        "reaction " + o.reaction() + ": " + f.reason() + " " + f.detail());
            }
        }
        if (outcomes.stream().anyMatch(o -> o.status() == ReactionOutcome.Status.REACTED)) {
            return RecordResult.Status.REACTED;
        }
        if (outcomes.stream().anyMatch(o -> o.status() == ReactionOutcome.Status.ALREADY_REACTED)) {
            return RecordResult.Status.ALREADY_REACTED;
        }
        return RecordResult.Status.NO_REACTION;
    }

    /** A payload that does not bind: a failure of the record, told apart from the handler's own. */
    private static final class UnreadablePayload extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadablePayload(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Configures an {@link EventListener}; {@link #build()} resolves aliases and rejects cycles and
     * aliases to nothing. Defaults: no staleness limit, concurrency 10, the system UTC clock,
     * debug off, no upcast, the listener's own daemon threads, derived dispatch ids on.
     */
    public static final class Builder {
        private final Map<String, Route> handlers = new LinkedHashMap<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();
        private StalenessPolicy defaultStaleness = StalenessPolicy.NONE;
        private final Map<String, StalenessPolicy> stalenessByType = new HashMap<>();
        private int concurrency = 10;
        private Executor executor;
        private Clock clock = Clock.systemUTC();
        private boolean debug;
        private UnaryOperator<EventRecord> upcast;
        private boolean derivedDispatchIds = true;
        private final List<InvalidRoutingException> errors = new ArrayList<>();

        private Builder() {
        }

        public Builder on(String eventType, EventHandler handler) {
            Checks.notNull(handler, "handler");
            register(eventType, event -> {
                handler.handle(event);
                return RecordResult.Status.HANDLED;
            });
            return this;
        }

        /** A handler of the payload bound to {@code payloadType}. */
        public <T> Builder on(String eventType, Class<T> payloadType, PayloadHandler<T> handler) {
            Checks.notNull(payloadType, "payloadType");
            Checks.notNull(handler, "handler");
            register(eventType, event -> {
                T payload;
                try {
                    payload = event.payloadAs(payloadType);
                } catch (InvalidInputException e) {
                    throw new UnreadablePayload(e.getMessage());
                }
                handler.handle(payload, event);
                return RecordResult.Status.HANDLED;
            });
            return this;
        }

        /**
         * The reactor's reactions handle their event types (a type with a handler of its own is
         * refused when the listener is built): a record is {@code REACTED}, {@code ALREADY_REACTED}
         * (a redelivery: nothing written), {@code NO_REACTION}, or {@code FAILED} with reason
         * {@code REACTION_FAILED}, to be delivered again.
         */
        public Builder react(Reactor reactor) {
            Checks.notNull(reactor, "reactor");
            for (String type : reactor.eventTypes()) {
                register(type, event -> status(reactor.react(event)));
            }
            return this;
        }

        /**
         * The process manager's input types go to it (a type with another handler is refused when
         * the listener is built): a record is {@code REACTED} (its step recorded, or resumed),
         * {@code ALREADY_REACTED} (a redelivery: nothing written), {@code NO_REACTION} (no process,
         * no step) or {@code FAILED} with reason {@code PROCESS_FAILED}, to be delivered again.
         */
        public Builder process(ProcessManager<?> processManager) {
            Checks.notNull(processManager, "processManager");
            for (String type : processManager.eventTypes()) {
                register(type, event -> status(processManager.handle(event)));
            }
            return this;
        }

        /** Events of {@code eventType} go to the handler of {@code target} (itself possibly an alias). */
        public Builder alias(String eventType, String target) {
            requireType(eventType);
            requireType(target);
            if (handlers.containsKey(eventType) || aliases.putIfAbsent(eventType, target) != null) {
                errors.add(new InvalidRoutingException(eventType, "registered more than once"));
            }
            return this;
        }

        /** The policy for every event type without one of its own. */
        public Builder staleness(StalenessPolicy policy) {
            this.defaultStaleness = Checks.notNull(policy, "policy");
            return this;
        }

        /** The policy for one event type (the type as it arrives, before alias resolution). */
        public Builder staleness(String eventType, StalenessPolicy policy) {
            stalenessByType.put(requireType(eventType), Checks.notNull(policy, "policy"));
            return this;
        }

        /** How many message groups run at once (1 = one after another on the calling thread). */
        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        /** Runs groups on this executor instead of the listener's own threads (at most concurrency - 1 tasks). */
        public Builder executor(Executor value) {
            this.executor = Checks.notNull(value, "executor");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Checks.notNull(value, "clock");
            return this;
        }

        /**
         * A transform of every event after it is parsed and before it is routed, its staleness
         * judged and its payload bound, e.g. {@code Upcasters.asFunction()} so that handlers see
         * the latest schema. Routing uses the transformed eventType. A transform that throws
         * fails the record ({@link RecordResult.Reason#UPCAST_FAILED}).
         */
        public Builder upcast(UnaryOperator<EventRecord> transform) {
            this.upcast = Checks.notNull(transform, "transform");
            return this;
        }

        /**
         * Whether a dispatch a handler makes without an event id or idempotency key of its own gets
         * ids derived from the delivery (default: yes, ADR 0007): from the incoming event's type and
         * id, the target aggregate, the outgoing event type and how many such dispatches the handler
         * made before it. A redelivered event then makes the very same appends, which the store
         * recognises and does not write again. The handler must dispatch the same events on every
         * delivery; dispatches from threads the handler starts itself get fresh ids. Off, every
         * delivery dispatches with fresh ids (duplicates on redelivery); for one dispatch, give it an
         * event id of its own instead.
         */
        public Builder derivedDispatchIds(boolean value) {
            this.derivedDispatchIds = value;
            return this;
        }

        /** Logs every event (no payload) at info, and bodies at debug. */
        public Builder debug(boolean value) {
            this.debug = value;
            return this;
        }

        public EventListener build() {
            if (concurrency < 1) {
                throw new InvalidInputException("concurrency", "must be at least 1, was " + concurrency);
            }
            if (!errors.isEmpty()) {
                throw errors.get(0);
            }
            Map<String, Route> routes = new HashMap<>(handlers);
            for (String alias : aliases.keySet()) {
                routes.put(alias, resolve(alias));
            }
            return new EventListener(this, routes);
        }

        private Route resolve(String alias) {
            LinkedHashSet<String> path = new LinkedHashSet<>();
            String current = alias;
            while (true) {
                if (!path.add(current)) {
                    throw new InvalidRoutingException(alias, "alias cycle " + String.join(" -> ", path) + " -> " + current);
                }
                Route handler = handlers.get(current);
                if (handler != null) {
                    return handler;
                }
                String next = aliases.get(current);
                if (next == null) {
                    throw new InvalidRoutingException(alias, "alias chain " + String.join(" -> ", path)
                            + " ends at a type with no handler");
                }
                current = next;
            }
        }

        private void register(String eventType, Route route) {
            requireType(eventType);
            if (aliases.containsKey(eventType) || handlers.putIfAbsent(eventType, route) != null) {
                errors.add(new InvalidRoutingException(eventType, "registered more than once"));
            }
        }

        private static String requireType(String eventType) {
            if (eventType == null || eventType.isBlank()) {
                throw new InvalidInputException("eventType", "must not be blank");
            }
            return eventType;
        }
    }
}
