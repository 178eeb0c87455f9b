package dev.eventfold.aggregate;

import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.util.List;

/**
 * What handling a command did.
 *
 * @param events   the events this call appended, as stored; empty unless {@link Outcome#APPENDED}
 * @param state    the aggregate after the command
 * @param attempts how many times the command was decided (1 unless another writer got in between)
 */
public record CommandResult<S>(String commandId, Outcome outcome, List<EventRecord> events, AggregateState<S> state,
                               int attempts) {

    /** The three ways a command that was not rejected can end. */
    public enum Outcome {
        /** The decided events were appended by this call. */
        APPENDED,
        /** The decider accepted the command with no events: nothing to write. */
        NO_CHANGE,
        /** This command's events were already in the stream (a retried command): nothing written. */
        ALREADY_HANDLED
    }

    public CommandResult {
        commandId = Keys.requireNonBlank("commandId", commandId);
        if (outcome == null || state == null) {
            throw new InvalidInputException("outcome", "outcome and state must not be null");
        }
        events = List.copyOf(events);
        if (attempts < 1) {
            throw new InvalidInputException("attempts", "must be at least 1");
        }
    }

    public long version() {
        return state.version();
    }
}
