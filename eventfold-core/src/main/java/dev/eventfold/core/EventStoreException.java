package dev.eventfold.core;

import java.util.Objects;

/**
 * A store request failed for a reason other than a concurrency conflict or bad input.
 * {@link #kind()} tells whether a retry can help.
 */
public final class EventStoreException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the caller needs to decide on a retry. */
    public enum Kind {
        /** The service refused for capacity (throttling, provisioned throughput). Retry with backoff. */
        THROTTLED(true),
        /** The request never reached the service or it answered 5xx before doing anything. Retry. */
        UNAVAILABLE(true),
        /** The request may or may not have been applied (timeout, lost response). Retry with the same ids. */
        UNKNOWN_OUTCOME(true),
        /** The service refused the request for good (access denied, missing table, validation). */
        REJECTED(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final String operation;
    private final Kind kind;

    public EventStoreException(String operation, Kind kind, String detail, Throwable cause) {
        super(Objects.requireNonNull(operation, "operation") + " failed (" + kind + "): " + detail, cause);
        this.operation = operation;
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public String operation() {
        return operation;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isRetryable() {
        return kind.retryable();
    }
}
