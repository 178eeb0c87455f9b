package dev.eventfold.listener;

import dev.eventfold.core.InvalidInputException;
import java.util.Arrays;

/** What the listener does with an event older than its policy's maximum age (WIRE.md section 7). */
public enum OnStale {
    /** Acknowledge without running the handler; the message group is not marked failed. */
    SKIP("skip"),
    /** Run the handler with {@code meta.isStale = true} and {@code meta.ageMs} set. */
    PROCESS_DEGRADED("process-degraded"),
    /** Run the handler as for a fresh event. */
    PROCESS_NORMALLY("process-normally");

    private final String wireName;

    OnStale(String wireName) {
        this.wireName = wireName;
    }

    /** The reference runtime's name, e.g. {@code process-degraded}. */
    public String wireName() {
        return wireName;
    }

    public static OnStale fromWireName(String name) {
        return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("onStale", "must be one of skip, process-degraded, "
                        + "process-normally, was " + name));
    }
}
