package dev.eventfold.core;

/**
 * Base of every exception Eventfold throws. Unchecked; subclasses carry structured fields
 * (aggregate, versions, keys) and never payload contents, so messages are safe to log.
 */
public abstract class EventfoldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected EventfoldException(String message) {
        super(message);
    }

    protected EventfoldException(String message, Throwable cause) {
        super(message, cause);
    }
}
