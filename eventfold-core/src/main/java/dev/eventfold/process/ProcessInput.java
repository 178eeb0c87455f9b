package dev.eventfold.process;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.internal.Checks;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.spi.wire.Timestamps;
import java.time.Instant;

/**
 * What a process manager decides on: an event it subscribed to, a command of its own that was
 * rejected, or a deadline it set that was reached. Each has an {@link #id()} from which the ids of
 * the step it leads to are derived, so the same input always leads to the same step.
 */
public sealed interface ProcessInput permits ProcessInput.Incoming, ProcessInput.Rejected, ProcessInput.DeadlineReached {

    /** The input's identity within its process: an event id, a rejected command's id, a deadline. */
    String id();

    /** An event of a type the process manager subscribed to. */
    record Incoming(EventRecord event) implements ProcessInput {
        public Incoming {
            Checks.notNull(event, "event");
        }

        @Override
        public String id() {
            return event.eventId();
        }
    }

    /**
     * A command a step sent was rejected by its decider; nothing was written for it. The step this
     * input leads to typically compensates (refunds what an earlier step took).
     *
     * @param commandId the id the process manager derived for the command
     * @param command   the command object as the step returned it
     */
    record Rejected(String commandId, AggregateRef target, Object command, String reasonCode, String detail)
            implements ProcessInput {
        public Rejected {
            Keys.requireNonBlank("commandId", commandId);
            Checks.notNull(target, "target");
            Checks.notNull(command, "command");
        }

        @Override
        public String id() {
            return "rejected\n" + commandId;
        }
    }

    /** A deadline a step set ({@link ProcessStep#andSchedule}) was reached. */
    record DeadlineReached(String name, Instant dueAt) implements ProcessInput {
        public DeadlineReached {
            Keys.requireNonBlank("name", name);
            Checks.notNull(dueAt, "dueAt");
        }

        @Override
        public String id() {
            return "deadline\n" + name + "\n" + Timestamps.format(dueAt);
        }
    }
}
