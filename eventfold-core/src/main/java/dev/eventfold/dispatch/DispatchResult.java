package dev.eventfold.dispatch;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;

/**
 * A dispatched event: the reference runtime's {@code {pk, sk, version}} plus what it was
 * dispatched as and what it cost.
 *
 * @param version         the aggregate's version at this event
 * @param idempotencyKey  the key of the append that carried the event: the event's own unless the
 *                        dispatcher combined it with concurrent dispatches (then the first one's)
 * @param alreadyAppended true when a retry found that an earlier attempt had landed (a lost
 *                        response): the event was written once, by that attempt
 * @param attempts        append attempts made, 1 when the first one landed
 */
public record DispatchResult(AggregateRef aggregate, long version, String eventId, String idempotencyKey,
                             boolean alreadyAppended, int attempts) {
    public DispatchResult {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        Keys.requireVersion("version", version);
        Keys.requireNonBlank("eventId", eventId);
        Keys.requireNonBlank("idempotencyKey", idempotencyKey);
        if (attempts < 1) {
            throw new InvalidInputException("attempts", "must be at least 1, was " + attempts);
        }
    }

    public String pk() {
        return aggregate.pk();
    }

    public String sk() {
        return Keys.eventSk(version);
    }

    /** Attempts beyond the first. */
    public int retries() {
        return attempts - 1;
    }
}
