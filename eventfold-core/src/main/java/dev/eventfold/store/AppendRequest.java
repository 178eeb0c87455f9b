package dev.eventfold.store;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendTooLargeException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.NewEvent;
import dev.eventfold.spi.wire.DynamoItemSize;
import java.util.HashSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One append: events for one aggregate, written atomically after {@code expectedVersion}.
 *
 * @param expectedVersion the aggregate's version before the append; 0 for a new aggregate
 * @param idempotencyKey  recorded on the head as {@code lastIdemKey}; defaults to the first event's id.
 *                        A repeat of an append that already landed, with the same key and event ids,
 *                        returns the original result and writes nothing
 * @param callerKey       true (the default) when the key or the event ids are the caller's own, who may
 *                        repeat the append later from anywhere (a retried request, a resubmission after a
 *                        crash): the store then keeps an idempotency record for the key
 *                        ({@link IdempotencyRecords#CALLER_KEYS}); false when a dispatcher generated
 *                        them and recognises its own resends (ADR 0001)
 * @param at              the time of the append's first attempt, so that resends of the same request
 *                        are the same transaction (head {@code updatedAt}, events without an
 *                        {@code occurredAt}); null: the store's clock when it sends
 */
public record AppendRequest(AggregateRef aggregate, long expectedVersion, List<NewEvent> events,
                            String idempotencyKey, boolean callerKey, Instant at) {
    /** The head and the idempotency record take two of the 100 actions of a transaction. */
    public static final int MAX_EVENTS = DynamoItemSize.MAX_TRANSACTION_ITEMS - 2;

    public AppendRequest {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        if (expectedVersion < 0 || expectedVersion > Keys.MAX_VERSION) {
            throw new InvalidInputException("expectedVersion", expectedVersion + " is outside 0.." + Keys.MAX_VERSION);
        }
        if (events == null || events.isEmpty()) {
            throw new InvalidInputException("events", "an append needs at least one event");
        }
        events = List.copyOf(events);
        if (events.size() > MAX_EVENTS) {
            throw new AppendTooLargeException("events", events.size(), MAX_EVENTS,
                    "events (one DynamoDB transaction holds 100 items, the head and the idempotency record included)");
        }
        if (expectedVersion + events.size() > Keys.MAX_VERSION) {
            throw new InvalidInputException("version", (expectedVersion + events.size()) + " would exceed "
                    + Keys.MAX_VERSION + " (the 9-digit sort key)");
        }
        Set<String> ids = new HashSet<>();
        for (NewEvent e : events) {
            Objects.requireNonNull(e, "events must not contain null");
            if (!ids.add(e.eventId())) {
                throw new InvalidInputException("eventId", "appears twice in one append: " + e.eventId());
            }
        }
        idempotencyKey = idempotencyKey == null ? events.get(0).eventId()
                : Keys.requireNonBlank("idempotencyKey", idempotencyKey);
        Keys.idempotencySk(idempotencyKey); // its record's sort key must fit DynamoDB's limit
    }

    /** An append with the caller's key ({@code callerKey = true}), stamped by the store when sent. */
    public AppendRequest(AggregateRef aggregate, long expectedVersion, List<NewEvent> events, String idempotencyKey) {
        this(aggregate, expectedVersion, events, idempotencyKey, true, null);
    }

    public static AppendRequest of(AggregateRef aggregate, long expectedVersion, NewEvent event) {
        return new AppendRequest(aggregate, expectedVersion, List.of(event), null);
    }

    public static AppendRequest of(AggregateRef aggregate, long expectedVersion, List<NewEvent> events) {
        return new AppendRequest(aggregate, expectedVersion, events, null);
    }

    public AppendRequest withExpectedVersion(long version) {
        return new AppendRequest(aggregate, version, events, idempotencyKey, callerKey, at);
    }

    public AppendRequest withIdempotencyKey(String key) {
        return new AppendRequest(aggregate, expectedVersion, events, key, callerKey, at);
    }

    /** This append with ids a dispatcher generated: no idempotency record unless the store always writes one. */
    public AppendRequest withGeneratedKey() {
        return new AppendRequest(aggregate, expectedVersion, events, idempotencyKey, false, at);
    }

    /** This append stamped with the time of its first attempt, so that its resends are identical. */
    public AppendRequest at(Instant firstAttempt) {
        return new AppendRequest(aggregate, expectedVersion, events, idempotencyKey, callerKey,
                java.util.Objects.requireNonNull(firstAttempt, "firstAttempt"));
    }

    public long firstVersion() {
        return expectedVersion + 1;
    }

    public long lastVersion() {
        return expectedVersion + events.size();
    }

    public NewEvent firstEvent() {
        return events.get(0);
    }

    public NewEvent lastEvent() {
        return events.get(events.size() - 1);
    }
}
