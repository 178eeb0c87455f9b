package dev.eventfold.reaction;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.BatchDispatchOutcome;
import dev.eventfold.dispatch.BatchMode;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.internal.Checks;
import dev.eventfold.projection.CheckpointStore;
import dev.eventfold.projection.Projector;
import dev.eventfold.projection.internal.InOrder;
import dev.eventfold.internal.DispatchScope;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.dispatch.BatchDispatchException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Reaction}s with a dispatcher so that an event's reactions happen once, however often
 * it is delivered: outgoing event ids and idempotency keys are derived from the reaction's name, the
 * incoming event's id, the target, the event type and how many such events came before, so a second delivery (an SQS redelivery, a
 * retried Lambda invocation, a replay) makes the very same appends, which the store recognises as
 * already appended and does not write again (the idempotency record of a caller's key, ADR 0001).
 * Causation is the incoming event, correlation follows it (its correlation id, else its own id),
 * actor and tenant are carried over; fields an outgoing spec sets itself win.
 *
 * <p>All outgoing events of a reaction are checked before the first is sent, then dispatched one
 * after another; a failure stops the rest, and the record should be delivered again: what landed
 * is then recognised, the rest is appended. Outcomes are values ({@link ReactionOutcome}); nothing
 * is thrown for a record's failure.
 *
 * <pre>{@code
 * Reactor reactor = Reactor.builder(dispatcher)
 *     .on("Order.Placed", "reserve-stock", placed -> List.of(EventSpec.of("stock", sku(placed), "Stock.Reserved", ...)))
 *     .build();
 * EventListener listener = EventListener.builder().react(reactor).build();
 * }</pre>
 */
public final class Reactor {
    private static final Logger LOG = LoggerFactory.getLogger(Reactor.class);

    private final Dispatcher dispatcher;
    private final Map<String, List<Reaction>> byType;
    private final CheckpointStore checkpoints; // null: as delivered

    private Reactor(Dispatcher dispatcher, Map<String, List<Reaction>> byType, CheckpointStore checkpoints) {
        this.dispatcher = dispatcher;
        this.byType = byType;
        this.checkpoints = checkpoints;
    }

    public static Builder builder(Dispatcher dispatcher) {
        return new Builder(Checks.notNull(dispatcher, "dispatcher"));
    }

    /** The incoming event types some reaction handles. */
    public Set<String> eventTypes() {
        return byType.keySet();
    }

    /**
     * Every reaction to {@code incoming}'s type, in the order they were added; none for a type no
     * reaction handles. A failure of one reaction does not stop the others.
     */
    public List<ReactionOutcome> react(EventRecord incoming) {
        Checks.notNull(incoming, "incoming");
        List<Reaction> reactions = byType.getOrDefault(incoming.eventType(), List.of());
        List<ReactionOutcome> out = new ArrayList<>(reactions.size());
        for (Reaction r : reactions) {
            out.add(checkpoints == null ? react(r, incoming) : reactInOrder(r, incoming));
        }
        return out;
    }

    /**
     * The id of the {@code ordinal}-th event (0 first) of type {@code eventType} that reaction
     * {@code reaction} dispatches to {@code target} for the incoming event {@code incomingEventId}:
     * the same on every call. Events of other types or to other aggregates do not count.
     */
    public static String eventId(String reaction, String incomingEventId, AggregateRef target, String eventType,
                                 int ordinal) {
        return DispatchScope.eventId(seed(reaction, incomingEventId), target, eventType, ordinal);
    }

    private static String seed(String reaction, String incomingEventId) {
        return "reaction\n" + reaction + "\n" + incomingEventId;
    }

    private ReactionOutcome react(Reaction reaction, EventRecord incoming) {
        DispatchScope scope = DispatchScope.of(seed(reaction.name(), incoming.eventId()));
        EventMetadata followed = new EventMetadata(incoming.tenantId(),
                incoming.correlationId() != null ? incoming.correlationId() : incoming.eventId(), incoming.eventId(),
                incoming.actorId());
        EventContext outer = EventContext.current();
        // What the function dispatches itself follows the incoming event too.
        EventContext context = outer.withMetadata(followed.orElse(outer.metadata()));
        List<EventSpec> returned;
        try {
            returned = EventContext.callWith(context, () -> scope.call(() -> reaction.function().react(incoming)));
        } catch (InvalidInputException e) {
            LOG.warn("reaction {} to {} made an invalid event: {}", reaction.name(), incoming, e.getMessage());
            return failed(reaction, incoming, scope, ReactionOutcome.Reason.INVALID_OUTPUT, e.getMessage());
        } catch (EventStoreException | ConcurrencyConflictException | BatchDispatchException e) {
            LOG.warn("reaction {} to {}: a dispatch failed: {}", reaction.name(), incoming, e.toString());
            return failed(reaction, incoming, scope, ReactionOutcome.Reason.DISPATCH_FAILED,
                    e.getClass().getName() + ": " + e.getMessage());
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.warn("reaction {} to {} failed", reaction.name(), incoming, e);
            return failed(reaction, incoming, scope, ReactionOutcome.Reason.REACTION_FAILED, e.getClass().getName());
        }
        List<EventSpec> outgoing = new ArrayList<>(returned == null ? 0 : returned.size());
        try {
            for (int i = 0; returned != null && i < returned.size(); i++) {
                EventSpec spec = outgoing(scope, followed, returned.get(i), i);
                dispatcher.check(spec); // all of them before the first request
                outgoing.add(spec);
            }
        } catch (InvalidInputException e) {
            LOG.warn("reaction {} to {} returned an invalid event: {}", reaction.name(), incoming, e.getMessage());
            return failed(reaction, incoming, scope, ReactionOutcome.Reason.INVALID_OUTPUT, e.getMessage());
        }
        if (!outgoing.isEmpty()) {
            BatchDispatchOutcome sent;
            try {
                sent = scope.call(() -> dispatcher.dispatchAll(outgoing, BatchMode.IN_ORDER));
            } catch (Exception e) {
                throw new IllegalStateException("dispatchAll reports failures as values", e);
            }
            if (!sent.allLanded()) {
                Throwable error = sent.failed().get(0).error();
                LOG.warn("reaction {} to {}: outgoing event {} of {} failed: {}", reaction.name(), incoming,
                        sent.failed().get(0).index() + 1, outgoing.size(), error.toString());
                return failed(reaction, incoming, scope, ReactionOutcome.Reason.DISPATCH_FAILED,
                        error.getClass().getName() + ": " + error.getMessage());
            }
        }
        List<DispatchResult> stored = scope.results(DispatchResult.class);
        ReactionOutcome.Status status = scope.appended() > 0 ? ReactionOutcome.Status.REACTED
                : scope.repeated() > 0 ? ReactionOutcome.Status.ALREADY_REACTED : ReactionOutcome.Status.SKIPPED;
        LOG.debug("reaction {} to {}: {} ({} events)", reaction.name(), incoming, status, stored.size());
        return new ReactionOutcome(reaction.name(), incoming.eventId(), status, stored, Optional.empty());
    }

    /**
     * The projection mechanism ({@link InOrder}), with the reaction as its idempotent handler: skip
     * what the checkpoint passed, react first to the missing events read from the store, then to this
     * one, moving the checkpoint after each.
     */
    private ReactionOutcome reactInOrder(Reaction reaction, EventRecord incoming) {
        InOrder.Result<ReactionOutcome> r = new InOrder<>("reaction:" + reaction.name(), dispatcher.store(), checkpoints,
                event -> event.eventType().equals(reaction.eventType()), event -> react(reaction, event),
                ReactionOutcome::isFailure).run(incoming);
        if (r instanceof InOrder.Handled<ReactionOutcome> h) {
            return h.outcome();
        }
        if (r instanceof InOrder.Passed<ReactionOutcome> p) {
            LOG.debug("reaction {} to {}: checkpoint {} passed it", reaction.name(), incoming, p.checkpoint());
            return new ReactionOutcome(reaction.name(), incoming.eventId(), ReactionOutcome.Status.ALREADY_REACTED,
                    List.of(), Optional.empty());
        }
        if (r instanceof InOrder.Stopped<ReactionOutcome> s) {
            // A failure of the delivered event's reaction or of an earlier one: the record's either way.
            ReactionOutcome o = s.outcome();
            return new ReactionOutcome(reaction.name(), incoming.eventId(), o.status(),
                    s.at().eventId().equals(incoming.eventId()) ? o.dispatched() : List.of(), o.failure());
        }
        String detail = r instanceof InOrder.NotInOrder<ReactionOutcome> n ? n.detail()
                : ((InOrder.StoreFailed<ReactionOutcome>) r).error().toString();
        ReactionOutcome.Reason reason = r instanceof InOrder.NotInOrder ? ReactionOutcome.Reason.NOT_IN_ORDER
                : ReactionOutcome.Reason.DISPATCH_FAILED;
        LOG.warn("reaction {} to {}: {}", reaction.name(), incoming, detail);
        return new ReactionOutcome(reaction.name(), incoming.eventId(), ReactionOutcome.Status.FAILED, List.of(),
                Optional.of(new ReactionOutcome.Failure(reason, detail)));
    }

    private static EventSpec outgoing(DispatchScope scope, EventMetadata followed, EventSpec spec, int ordinal) {
        if (spec == null) {
            throw new InvalidInputException("events[" + ordinal + "]", "must not be null");
        }
        if (spec.eventId() != null || spec.idempotencyKey() != null) {
            throw new InvalidInputException("events[" + ordinal + "]",
                    "a reaction's events get derived ids: leave eventId and idempotencyKey unset");
        }
        String id = scope.nextEventId(spec.aggregate(), spec.eventType());
        // The key names the outgoing event: each is its own append with its own idempotency record.
        return spec.toBuilder().eventId(id).idempotencyKey(DispatchScope.keyOf(id))
                .metadata(spec.metadata().orElse(followed)).build();
    }

    private static ReactionOutcome failed(Reaction reaction, EventRecord incoming, DispatchScope scope,
                                          ReactionOutcome.Reason reason, String detail) {
        return new ReactionOutcome(reaction.name(), incoming.eventId(), ReactionOutcome.Status.FAILED,
                scope.results(DispatchResult.class), Optional.of(new ReactionOutcome.Failure(reason, detail)));
    }

    /** Reactions by name; a name twice is refused (it would give two reactions the same ids). */
    public static final class Builder {
        private final Dispatcher dispatcher;
        private final Map<String, Reaction> reactions = new LinkedHashMap<>();
        private CheckpointStore checkpoints;

        private Builder(Dispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        public Builder reaction(Reaction reaction) {
            Checks.notNull(reaction, "reaction");
            if (reactions.putIfAbsent(reaction.name(), reaction) != null) {
                throw new InvalidInputException("name", "a reaction named " + reaction.name() + " is already added");
            }
            return this;
        }

        public Builder on(String eventType, String name, ReactionFunction function) {
            return reaction(Reaction.on(eventType, name, function));
        }

        /**
         * Each reaction sees each aggregate's events in version order, once: the projection
         * mechanism ({@link Projector}) with the reaction as its handler, a checkpoint per reaction
         * ({@code reaction:<name>}) and aggregate in {@code checkpoints}. An event at or below the
         * checkpoint is {@code ALREADY_REACTED} without running; one past the next version first
         * makes the reaction run on the missing events, read from the dispatcher's store (events of
         * other types are passed over). Costs a checkpoint read and write per event; without it,
         * reactions run in the order events are delivered.
         */
        public Builder inOrder(CheckpointStore checkpoints) {
            this.checkpoints = Checks.notNull(checkpoints, "checkpoints");
            return this;
        }

        public Reactor build() {
            Map<String, List<Reaction>> byType = new LinkedHashMap<>();
            for (Reaction r : reactions.values()) {
                byType.computeIfAbsent(r.eventType(), t -> new ArrayList<>()).add(r);
            }
            byType.replaceAll((t, l) -> List.copyOf(l));
            return new Reactor(dispatcher, Collections.unmodifiableMap(byType), checkpoints);
        }
    }
}
