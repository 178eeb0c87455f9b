package dev.eventfold.replay;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay did.
 *
 * @param selection        the selector's description
 * @param dryRun           true when nothing was published: {@code matched} is what a real run would send
 * @param matched          events selected (in this run, after any resumed position)
 * @param published        events the sink accepted
 * @param failures         events the sink refused; the replay stopped at the first failing batch
 * @param skippedMalformed scanned items that could not be read as events (named in the log by pk and sk)
 * @param completed        true when the whole selection was gone through
 * @param countsByType     matched events per event type
 * @param checkpoint       the position reached (resume from it); null for dry runs
 */
public record ReplayReport(String selection, boolean dryRun, long matched, long published,
                           List<ReplaySink.Failure> failures, long skippedMalformed, boolean completed,
                           Duration elapsed, Map<String, Long> countsByType, ReplayCheckpoint checkpoint) {
    public ReplayReport {
        failures = List.copyOf(failures);
        countsByType = Map.copyOf(countsByType);
    }

    /** 0 when complete without failures, 1 otherwise: for scripts. */
    public int exitCode() {
        return completed && failures.isEmpty() ? 0 : 1;
    }

    /** One line for a terminal. */
    public String summary() {
        return (dryRun ? "dry run, would publish " + matched : "published " + published + " of " + matched)
                + " events (" + selection + ")" + (failures.isEmpty() ? "" : ", " + failures.size() + " failed")
                + (skippedMalformed > 0 ? ", " + skippedMalformed + " malformed items skipped" : "")
                + (completed ? "" : ", stopped before the end: resume to continue")
                + " " + new TreeMap<>(countsByType);
    }
}
