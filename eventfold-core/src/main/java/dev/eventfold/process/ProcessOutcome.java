package dev.eventfold.process;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.internal.Checks;
import java.util.List;
import java.util.Optional;

/**
 * What a process manager did with one input, as a value.
 *
 * @param process   the process manager's name
 * @param processId the process; null when the input belongs to none
 * @param inputId   {@link ProcessInput#id()}
 * @param recorded  the step's events on the process stream (as appended now, or as found)
 * @param commands  what became of each command of the step, in order
 * @param followUps the steps of rejected commands, decided at once
 */
public record ProcessOutcome(String process, String processId, String inputId, Status status,
                             List<EventRecord> recorded, List<SentCommand> commands, List<ProcessOutcome> followUps,
                             Optional<Failure> failure) {

    public enum Status {
        /** The step was recorded now and its commands sent. */
        STEPPED,
        /** The step had been recorded by an earlier delivery, and some of its effects were made only now. */
        RESUMED,
        /** The step had been recorded and all its effects made: a duplicate delivery, nothing written. */
        ALREADY_STEPPED,
        /** Nothing to do: the input belongs to no process, or the decider returned no step. */
        IGNORED,
        /** See {@link #failure()}; deliver the input again. */
        FAILED
    }

    public enum Reason {
        /** The process id function or the decider threw. Nothing written. */
        DECIDE_FAILED,
        /** The step is invalid (an effect without a record, a command nobody handles, an event the store would refuse). Nothing written. */
        INVALID_STEP,
        /** Other workers kept appending to the process stream. */
        CONFLICT,
        /** The store failed and retries did not help. */
        STORE_FAILED,
        /** A command failed other than by rejection (conflicts, the store); the step is recorded and resumed on redelivery. */
        COMMAND_FAILED,
        /** The deadline scheduler failed; the step is recorded and resumed on redelivery. */
        DEADLINE_FAILED,
        /** The step of a rejected command failed (see its outcome among the follow-ups). */
        FOLLOW_UP_FAILED,
        /**
         * In order ({@code Builder#inOrder}): an earlier event of the incoming event's aggregate is
         * not in the store yet, or other workers kept moving its checkpoint. Deliver it again.
         */
        NOT_IN_ORDER
    }

    public record Failure(Reason reason, String detail) {
        public Failure {
            Checks.notNull(reason, "reason");
        }
    }

    /**
     * A command of the step and what became of it.
     *
     * @param reasonCode the decider's reason when {@code REJECTED}, else null
     */
    public record SentCommand(String commandId, AggregateRef target, String commandType, Result result,
                              String reasonCode) {
    }

    public enum Result {
        /** The command's events were appended now. */
        APPENDED,
        /** The command had been handled before (its id is the idempotency key): nothing written. */
        ALREADY_HANDLED,
        /** The decider accepted it with no events. */
        NO_CHANGE,
        /** The decider rejected it: the process decided on {@link ProcessInput.Rejected}. */
        REJECTED,
        /** Resuming a step, a command whose rejection the process had already recorded: not sent again. */
        NOT_RESENT
    }

    public ProcessOutcome {
        recorded = List.copyOf(recorded);
        commands = List.copyOf(commands);
        followUps = List.copyOf(followUps);
        Checks.notNull(status, "status");
        failure = failure == null ? Optional.empty() : failure;
    }

    public boolean isFailure() {
        return status == Status.FAILED;
    }
}
