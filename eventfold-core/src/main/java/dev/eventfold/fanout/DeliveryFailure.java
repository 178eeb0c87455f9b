package dev.eventfold.fanout;

import java.util.Objects;

/**
 * A stream record that did not reach a destination.
 *
 * @param sequenceNumber the stream record
 * @param eventId        the event's id, when the image had one
 * @param destination    {@code queue:<url>}, {@code bus:<name>}, or {@code *} for every destination
 * @param reason         the kind of failure
 * @param detail         the service's error code and message, or why it was refused; never the body
 */
public record DeliveryFailure(String sequenceNumber, String eventId, String destination, Reason reason,
                              String detail) {

    /** Why a record was not delivered. */
    public enum Reason {
        /** The service reported the entry failed (after retries when retryable). */
        REJECTED,
        /** The whole request failed (network, throttling, 5xx) after retries. */
        REQUEST_FAILED,
        /** The entry alone is larger than the configured request quota: it can never be sent. */
        TOO_LARGE,
        /** An INSERT with itemType "event" that lacks eventId, eventType or the aggregate. */
        MALFORMED_EVENT
    }

    public DeliveryFailure {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
    }
}
