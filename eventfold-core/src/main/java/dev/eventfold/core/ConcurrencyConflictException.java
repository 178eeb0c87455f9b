package dev.eventfold.core;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The aggregate was not at the expected version: another writer appended first.
 * Retry by re-reading the head (the dispatcher does this for you).
 */
public final class ConcurrencyConflictException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final AggregateRef aggregate;
    private final long expectedVersion;
    private final long actualVersion; // -1 when unknown

    public ConcurrencyConflictException(AggregateRef aggregate, long expectedVersion, OptionalLong actualVersion) {
        super("concurrency conflict on " + Objects.requireNonNull(aggregate, "aggregate")
                + ": expected version " + expectedVersion
                + (actualVersion.isPresent() ? ", actual version " + actualVersion.getAsLong() : ""));
        this.aggregate = aggregate;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion.orElse(-1);
    }

    public AggregateRef aggregate() {
        return aggregate;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    /** The head's version when the conflict was detected, if the store could tell. */
    public OptionalLong actualVersion() {
        return actualVersion < 0 ? OptionalLong.empty() : OptionalLong.of(actualVersion);
    }
}
