package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventfoldException;
import java.util.Objects;

/** A projection's checkpoint moved while this worker was applying events: another worker got there first. */
public final class CheckpointConflictException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String projection;
    private final AggregateRef aggregate;
    private final long expectedVersion;

    public CheckpointConflictException(String projection, AggregateRef aggregate, long expectedVersion) {
        super("checkpoint of projection " + projection + " for " + Objects.requireNonNull(aggregate, "aggregate")
                + " is no longer at version " + expectedVersion);
        this.projection = projection;
        this.aggregate = aggregate;
        this.expectedVersion = expectedVersion;
    }

    public String projection() {
        return projection;
    }

    public AggregateRef aggregate() {
        return aggregate;
    }

    public long expectedVersion() {
        return expectedVersion;
    }
}
