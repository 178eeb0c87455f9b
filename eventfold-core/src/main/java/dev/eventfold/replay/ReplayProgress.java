package dev.eventfold.replay;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A replay's counters so far, given to the progress callback after every batch.
 *
 * @param matched          events selected so far
 * @param published        events the sink accepted (0 in a dry run)
 * @param failed           events the sink refused
 * @param skippedMalformed scanned items that could not be read as events
 * @param estimatedTotal   the selection's size when known in advance (an aggregate's version range)
 */
public record ReplayProgress(long matched, long published, long failed, long skippedMalformed, Duration elapsed,
                             OptionalLong estimatedTotal) {

    /** Events per second over the elapsed time; 0 at the start. */
    public double rate() {
        long n = published > 0 ? published : matched;
        return elapsed.isZero() ? 0 : n * 1e9 / elapsed.toNanos();
    }
}
