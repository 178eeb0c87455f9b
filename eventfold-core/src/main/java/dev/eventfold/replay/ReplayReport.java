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
    /** Exit code: the whole selection was published, nothing failed, nothing skipped. */
    public static final int EXIT_OK = 0;
    /** Exit code: the sink refused events or the replay stopped before the end (resume to continue). */
    public static final int EXIT_INCOMPLETE = 1;
    /**
     * Exit code: the selection was gone through without failures, but corrupt items were skipped
     * ({@code skippedMalformed > 0}, named in the log by pk and sk): those events were not
     * republished. Run {@code eventfold verify} to find them.
     */
    public static final int EXIT_SKIPPED_MALFORMED = 3;

    public ReplayReport {
        failures = List.copyOf(failures);
        countsByType = Map.copyOf(countsByType);
    }

    /**
     * For scripts: {@value #EXIT_OK} when complete without failures or skipped items;
     * {@value #EXIT_INCOMPLETE} when events failed or the replay stopped early (whether or not
     * items were skipped too); {@value #EXIT_SKIPPED_MALFORMED} when complete but corrupt items
     * were skipped.
     */
    public int exitCode() {
        if (!completed || !failures.isEmpty()) {
            return EXIT_INCOMPLETE;
        }
        return skippedMalformed > 0 ? EXIT_SKIPPED_MALFORMED : EXIT_OK;
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
