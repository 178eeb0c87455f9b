package dev.eventfold.fanout;

import java.util.Objects;

/**
 * One entry of an EventBridge {@code PutEvents} request. PutEvents has no entry ids: {@code id}
 * is ours, and publishers map results back by position.
 *
 * @param id         unique in its request
 * @param source     the event's source, or the fallback derived from its aggregateType
 * @param detailType the eventType
 * @param detail     the event JSON, the same as the SQS body
 */
public record BusEntry(String id, String source, String detailType, String detail) {
    public BusEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detailType, "detailType");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return "BusEntry[" + id + " " + source + " " + detailType + "]";
    }
}
