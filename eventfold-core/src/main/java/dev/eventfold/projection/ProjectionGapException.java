package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventfoldException;
import java.util.Objects;

/**
 * An event arrived ahead of versions the projection has not applied, and the event store did not
 * return them either. Nothing was applied for the event; let the delivery fail so it comes again.
 */
public final class ProjectionGapException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String projection;
    private final AggregateRef aggregate;
    private final long missingVersion;

    public ProjectionGapException(String projection, AggregateRef aggregate, long missingVersion) {
        super("projection " + projection + ": version " + missingVersion + " of "
                + Objects.requireNonNull(aggregate, "aggregate") + " is not in the event store");
        this.projection = projection;
        this.aggregate = aggregate;
        this.missingVersion = missingVersion;
    }

    public String projection() {
        return projection;
    }

    public AggregateRef aggregate() {
        return aggregate;
    }

    public long missingVersion() {
        return missingVersion;
    }
}
