package dev.eventfold.aggregate;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventfoldException;
import java.util.Objects;

/**
 * The decider refused a command (a domain rule, e.g. an overdraft). Nothing was written.
 * Not retryable as such: the same command against the same state is refused again.
 */
public final class CommandRejectedException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final AggregateRef aggregate;
    private final String commandId;
    private final String reasonCode;
    private final String detail;
    private final long version;

    public CommandRejectedException(AggregateRef aggregate, String commandId, String reasonCode, String detail,
                                    long version) {
        super("command " + commandId + " on " + Objects.requireNonNull(aggregate, "aggregate") + " at version "
                + version + " rejected: " + reasonCode + (detail == null ? "" : " (" + detail + ")"));
        this.aggregate = aggregate;
        this.commandId = commandId;
        this.reasonCode = Objects.requireNonNull(reasonCode, "reasonCode");
        this.detail = detail;
        this.version = version;
    }

    public AggregateRef aggregate() {
        return aggregate;
    }

    public String commandId() {
        return commandId;
    }

    /** The decider's stable code, e.g. {@code insufficient_funds}. */
    public String reasonCode() {
        return reasonCode;
    }

    /** The decider's explanation; may be null. */
    public String detail() {
        return detail;
    }

    /** The aggregate version the command was decided against. */
    public long version() {
        return version;
    }
}
