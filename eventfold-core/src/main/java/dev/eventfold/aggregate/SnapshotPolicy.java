package dev.eventfold.aggregate;

import dev.eventfold.core.InvalidInputException;

/**
 * Decides after an append whether to write a new snapshot. Snapshots are written after the
 * append's transaction has committed, never inside it: a failed snapshot write costs a slower
 * load later, never an event.
 *
 * <pre>{@code
 * SnapshotPolicy.everyEvents(100)   // a snapshot once 100 events have landed since the last one
 * }</pre>
 */
@FunctionalInterface
public interface SnapshotPolicy {

    /**
     * @param lastSnapshotVersion version of the snapshot the state was loaded from; 0 when none
     * @param newVersion          the aggregate's version after the append
     */
    boolean shouldSnapshot(long lastSnapshotVersion, long newVersion);

    /** A snapshot whenever at least {@code n} events have landed since the last one. */
    static SnapshotPolicy everyEvents(int n) {
        if (n < 1) {
            throw new InvalidInputException("snapshotEvery", "must be at least 1, was " + n);
        }
        return (last, now) -> now - last >= n;
    }

    static SnapshotPolicy never() {
        return (last, now) -> false;
    }
}
