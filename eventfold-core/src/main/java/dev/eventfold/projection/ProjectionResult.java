package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;

/**
 * What the projector did with one delivered event.
 *
 * @param applied    how many events were applied, the delivered one and any missing ones before it
 * @param fromStore  how many of those were read from the event store to fill a gap
 * @param checkpoint the projection's checkpoint for the aggregate afterwards
 */
public record ProjectionResult(AggregateRef aggregate, Outcome outcome, int applied, int fromStore, long checkpoint) {

    /** Whether the delivered event took effect now or had already. */
    public enum Outcome {
        /** The event (and any missing before it) was applied now. */
        APPLIED,
        /** The checkpoint was already at or past the event's version: a duplicate or late delivery. */
        ALREADY_APPLIED
    }

    public ProjectionResult {
        if (aggregate == null || outcome == null) {
            throw new InvalidInputException("outcome", "aggregate and outcome must not be null");
        }
        if (applied < 0 || fromStore < 0 || fromStore > applied) {
            throw new InvalidInputException("applied", "inconsistent counts " + applied + "/" + fromStore);
        }
    }
}
