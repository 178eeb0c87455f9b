package dev.eventfold.aggregate;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;

/**
 * An aggregate's state as loaded: the fold of every event up to {@code version}.
 *
 * @param version         the version of the last event folded in; 0 for an aggregate with no events
 * @param snapshotVersion the version of the latest snapshot known to this state (the one the load started from,
 *                        or one written since); 0 when none
 * @param eventsFolded    how many events the load read and folded (after the snapshot, if any)
 */
public record AggregateState<S>(AggregateRef aggregate, S state, long version, long snapshotVersion,
                                long eventsFolded) {
    public AggregateState {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        if (version < 0 || version > Keys.MAX_VERSION) {
            throw new InvalidInputException("version", version + " is outside 0.." + Keys.MAX_VERSION);
        }
        if (snapshotVersion < 0 || snapshotVersion > version) {
            throw new InvalidInputException("snapshotVersion", snapshotVersion + " is outside 0.." + version);
        }
        if (eventsFolded < 0) {
            throw new InvalidInputException("eventsFolded", "must not be negative");
        }
    }

    /** True when the aggregate has no events yet: the next append expects version 0. */
    public boolean isNew() {
        return version == 0;
    }

    @Override
    public String toString() {
        // No state: it may hold personal data and ends up in logs.
        return "AggregateState[" + aggregate + " v" + version + (snapshotVersion > 0 ? " from snapshot v" + snapshotVersion : "") + "]";
    }
}
