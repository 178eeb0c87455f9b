package dev.eventfold.fanout;

import java.util.Objects;

/**
 * An entry the service did not accept.
 *
 * @param id        the entry's id
 * @param code      the service's error code, e.g. {@code InternalError}, {@code ThrottlingException}
 * @param message   the service's message (never the entry's body)
 * @param retryable true when sending it again can succeed (a service-side fault or throttling)
 */
public record EntryFailure(String id, String code, String message, boolean retryable) {
    public EntryFailure {
        Objects.requireNonNull(id, "id");
        code = code == null ? "Unknown" : code;
        message = message == null ? "" : message;
    }
}
