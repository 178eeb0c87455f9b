package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventfoldException;
import java.util.Objects;

/**
 * A write of an in-memory projection transaction failed after writes that cannot be undone had
 * run: the checkpoint did not move, but the read model holds those writes' effects. The
 * failing write's exception is the cause. Give every write an undo
 * ({@link InMemoryCheckpointStore#write(Runnable, Runnable)}) to make the transaction all or nothing.
 */
public final class PartialWriteException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String projection;
    private final AggregateRef aggregate;
    private final int writesKept;

    public PartialWriteException(String projection, AggregateRef aggregate, int writesKept, Throwable cause) {
        super("projection " + projection + " on " + Objects.requireNonNull(aggregate, "aggregate") + ": a write failed after "
                + writesKept + " write(s) without an undo had run; the checkpoint did not move", cause);
        this.projection = projection;
        this.aggregate = aggregate;
        this.writesKept = writesKept;
    }

    public String projection() {
        return projection;
    }

    public AggregateRef aggregate() {
        return aggregate;
    }

    /** How many writes ran and could not be undone. */
    public int writesKept() {
        return writesKept;
    }
}
