package dev.eventfold.core;

import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.spi.wire.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.internal.StorablePayloads;
import java.time.Instant;

/**
 * An event about to be appended: everything but its aggregate and version, which the append
 * assigns. Validated when built, so that bad input fails before any request.
 *
 * <pre>{@code
 * NewEvent funded = NewEvent.builder()
 *     .eventId("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2")
 *     .eventType("Wallet.Funded")
 *     .source("billing")
 *     .payload(Map.of("amount", 5000))
 *     .build();
 * }</pre>
 *
 * @param occurredAt ISO-8601 UTC; null lets the store stamp the append time
 */
public record NewEvent(
        String eventId,
        String eventType,
        String source,
        int schemaVersion,
        String occurredAt,
        EventMetadata metadata,
        JsonNode payload) implements CarriesMetadata {

    public NewEvent {
        eventId = Keys.requireNonBlank("eventId", eventId);
        eventType = Keys.requireNonBlank("eventType", eventType);
        source = Keys.optional(source);
        Keys.requireSchemaVersion(schemaVersion);
        occurredAt = Keys.optional(occurredAt);
        if (occurredAt != null) {
            // Stored as the wire format says (UTC, milliseconds), whatever ISO form the caller used.
            occurredAt = Timestamps.normalize("occurredAt", occurredAt);
        }
        metadata = metadata == null ? EventMetadata.NONE : metadata;
        payload = payload == null ? MissingNode.getInstance() : payload;
        // Validated into a private copy with numbers as DynamoDB keeps them, unless the payload is
        // the copy an EventSpec or DecidedEvent already made of it (validated once per dispatch).
        payload = StorablePayloads.isTrusted(payload) ? payload : EventJson.storable("payload", payload);
    }

    /** The stored form of this event at a version; {@code occurredAt} falls back to {@code now}. */
    public EventRecord toRecord(AggregateRef aggregate, long version, Instant now) {
        return new EventRecord(aggregate.aggregateType(), aggregate.aggregateId(), version, eventId, eventType,
                source, schemaVersion, occurredAt != null ? occurredAt : Timestamps.format(now), metadata, payload,
                EventMeta.NONE);
    }

    public NewEvent withOccurredAt(String value) {
        return new NewEvent(eventId, eventType, source, schemaVersion, value, metadata, payload);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().eventId(eventId).eventType(eventType).source(source)
                .schemaVersion(schemaVersion).occurredAt(occurredAt).metadata(metadata).payload(payload);
    }

    @Override
    public String toString() {
        return "NewEvent[" + eventType + " " + eventId + "]";
    }

    /** Builds a {@link NewEvent}; {@code schemaVersion} defaults to 1. */
    public static final class Builder extends EventMetadata.Setters<Builder> {
        private String eventId;
        private String eventType;
        private String source;
        private int schemaVersion = 1;
        private String occurredAt;
        private JsonNode payload;

        private Builder() {
        }

        public Builder eventId(String v) {
            this.eventId = v;
            return this;
        }

        public Builder eventType(String v) {
            this.eventType = v;
            return this;
        }

        public Builder source(String v) {
            this.source = v;
            return this;
        }

        public Builder schemaVersion(int v) {
            this.schemaVersion = v;
            return this;
        }

        public Builder occurredAt(String v) {
            this.occurredAt = v;
            return this;
        }

        public Builder occurredAt(Instant v) {
            this.occurredAt = v == null ? null : Timestamps.format(v);
            return this;
        }

        public Builder payload(JsonNode v) {
            this.payload = v;
            return this;
        }

        /** Any value Jackson can turn into JSON: a record, a POJO, a map. */
        public Builder payload(Object v) {
            this.payload = v instanceof JsonNode node ? node : EventJson.toPayload(v);
            return this;
        }

        public NewEvent build() {
            return new NewEvent(eventId, eventType, source, schemaVersion, occurredAt, buildMetadata(), payload);
        }
    }
}
