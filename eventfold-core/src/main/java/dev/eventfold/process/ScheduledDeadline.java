package dev.eventfold.process;

import dev.eventfold.internal.Checks;
import dev.eventfold.spi.wire.Keys;
import java.time.Instant;

/**
 * A deadline a process set: fire it by passing it to {@link ProcessManager#deadline(ScheduledDeadline)}
 * at or after {@code dueAt}.
 *
 * @param process   the process manager's name
 * @param processId the process (the id of its stream)
 * @param name      the deadline's name within the process
 */
public record ScheduledDeadline(String process, String processId, String name, Instant dueAt) {
    public ScheduledDeadline {
        Keys.requireNonBlank("process", process);
        Keys.requireNonBlank("processId", processId);
        Keys.requireNonBlank("name", name);
        Checks.notNull(dueAt, "dueAt");
    }
}
