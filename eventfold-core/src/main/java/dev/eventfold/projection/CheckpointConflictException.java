package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventfoldException;
import java.util.Objects;
import java.util.OptionalLong;

/** A projection's checkpoint moved while this worker was applying events: another worker got there first. */
public final class CheckpointConflictException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String projection;
    private final AggregateRef aggregate;
    private final long expectedVersion;
    private final OptionalLong actualVersion;

    public CheckpointConflictException(String projection, AggregateRef aggregate, long expectedVersion) {
        this(projection, aggregate, expectedVersion, OptionalLong.empty());
    }

    /**
     * @param actualVersion where the checkpoint was found, when the store returned it with the
     *                      failed condition (0: no checkpoint yet); empty when unknown
     */
    public CheckpointConflictException(String projection, AggregateRef aggregate, long expectedVersion,
                                       OptionalLong actualVersion) {
        super("checkpoint of projection " + projection + " for " + Objects.requireNonNull(aggregate, "aggregate")
                + " is not at version " + expectedVersion
                + (actualVersion.isPresent() ? " but at " + actualVersion.getAsLong() : ""));
        this.projection = projection;
        this.aggregate = aggregate;
        this.expectedVersion = expectedVersion;
        this.actualVersion = Objects.requireNonNull(actualVersion, "actualVersion");
    }

    /** Where the checkpoint was, when the store told; a projector then needs no read to carry on. */
    public OptionalLong actualVersion() {
        return actualVersion;
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
