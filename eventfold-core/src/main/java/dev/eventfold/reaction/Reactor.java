package dev.eventfold.reaction;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.BatchDispatchOutcome;
import dev.eventfold.dispatch.BatchMode;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventOutcome;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.internal.Checks;
import dev.eventfold.internal.DerivedIds;
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
 * incoming event's id and the outgoing event's position, so a second delivery (an SQS redelivery, a
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

    private Reactor(Dispatcher dispatcher, Map<String, List<Reaction>> byType) {
        this.dispatcher = dispatcher;
        this.byType = byType;
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
            out.add(react(r, incoming));
        }
        return out;
    }

    /**
     * The id of the {@code ordinal}-th event (0 first) that reaction {@code reaction} dispatches to
     * {@code target} for the incoming event {@code incomingEventId}: the same on every call.
     */
    public static String eventId(String reaction, String incomingEventId, AggregateRef target, int ordinal) {
        return DerivedIds.eventId(target, key(reaction, incomingEventId), ordinal);
    }

    private static String key(String reaction, String incomingEventId) {
        return "reaction\n" + reaction + "\n" + incomingEventId;
    }

    private ReactionOutcome react(Reaction reaction, EventRecord incoming) {
        List<EventSpec> returned;
        try {
            returned = reaction.function().react(incoming);
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.warn("reaction {} to {} failed", reaction.name(), incoming, e);
            return failed(reaction, incoming, List.of(), ReactionOutcome.Reason.REACTION_FAILED, e.getClass().getName());
        }
        if (returned == null || returned.isEmpty()) {
            LOG.debug("reaction {} to {}: nothing to dispatch", reaction.name(), incoming);
            return new ReactionOutcome(reaction.name(), incoming.eventId(), ReactionOutcome.Status.SKIPPED, List.of(),
                    Optional.empty());
        }
        List<EventSpec> outgoing = new ArrayList<>(returned.size());
        try {
            for (int i = 0; i < returned.size(); i++) {
                EventSpec spec = outgoing(reaction, incoming, returned.get(i), i);
                dispatcher.check(spec); // all of them before the first request
                outgoing.add(spec);
            }
        } catch (InvalidInputException e) {
            LOG.warn("reaction {} to {} returned an invalid event: {}", reaction.name(), incoming, e.getMessage());
            return failed(reaction, incoming, List.of(), ReactionOutcome.Reason.INVALID_OUTPUT, e.getMessage());
        }
        BatchDispatchOutcome sent = dispatcher.dispatchAll(outgoing, BatchMode.IN_ORDER);
        List<DispatchResult> stored = sent.landed().stream().map(EventOutcome.Landed::result).toList();
        if (!sent.allLanded()) {
            Throwable error = sent.failed().get(0).error();
            LOG.warn("reaction {} to {}: outgoing event {} of {} failed: {}", reaction.name(), incoming,
                    sent.failed().get(0).index() + 1, outgoing.size(), error.toString());
            return failed(reaction, incoming, stored, ReactionOutcome.Reason.DISPATCH_FAILED,
                    error.getClass().getName() + ": " + error.getMessage());
        }
        boolean repeat = stored.stream().allMatch(DispatchResult::alreadyAppended);
        if (repeat) {
            LOG.debug("reaction {} to {}: already reacted ({} events)", reaction.name(), incoming, stored.size());
        }
        return new ReactionOutcome(reaction.name(), incoming.eventId(),
                repeat ? ReactionOutcome.Status.ALREADY_REACTED : ReactionOutcome.Status.REACTED, stored, Optional.empty());
    }

    private static EventSpec outgoing(Reaction reaction, EventRecord incoming, EventSpec spec, int ordinal) {
        if (spec == null) {
            throw new InvalidInputException("events[" + ordinal + "]", "must not be null");
        }
        if (spec.eventId() != null || spec.idempotencyKey() != null) {
            throw new InvalidInputException("events[" + ordinal + "]",
                    "a reaction's events get derived ids: leave eventId and idempotencyKey unset");
        }
        String id = eventId(reaction.name(), incoming.eventId(), spec.aggregate(), ordinal);
        EventMetadata followed = new EventMetadata(incoming.tenantId(),
                incoming.correlationId() != null ? incoming.correlationId() : incoming.eventId(), incoming.eventId(),
                incoming.actorId());
        // The key names the outgoing event: each is its own append with its own idempotency record.
        return spec.toBuilder().eventId(id).idempotencyKey("rx-" + id.substring("evt-".length()))
                .metadata(spec.metadata().orElse(followed)).build();
    }

    private static ReactionOutcome failed(Reaction reaction, EventRecord incoming, List<DispatchResult> stored,
                                          ReactionOutcome.Reason reason, String detail) {
        return new ReactionOutcome(reaction.name(), incoming.eventId(), ReactionOutcome.Status.FAILED, stored,
                Optional.of(new ReactionOutcome.Failure(reason, detail)));
    }

    /** Reactions by name; a name twice is refused (it would give two reactions the same ids). */
    public static final class Builder {
        private final Dispatcher dispatcher;
        private final Map<String, Reaction> reactions = new LinkedHashMap<>();

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

        public Reactor build() {
            Map<String, List<Reaction>> byType = new LinkedHashMap<>();
            for (Reaction r : reactions.values()) {
                byType.computeIfAbsent(r.eventType(), t -> new ArrayList<>()).add(r);
            }
            byType.replaceAll((t, l) -> List.copyOf(l));
            return new Reactor(dispatcher, Collections.unmodifiableMap(byType));
        }
    }
}
