package dev.eventfold.core;

import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.spi.wire.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.eventfold.core.json.EventJson;
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
        String tenantId,
        int schemaVersion,
        String occurredAt,
        String correlationId,
        String causationId,
        String actorId,
        JsonNode payload) {

    public NewEvent {
        eventId = Keys.requireNonBlank("eventId", eventId);
        eventType = Keys.requireNonBlank("eventType", eventType);
        source = Keys.optional(source);
        tenantId = Keys.optional(tenantId);
        if (tenantId != null) {
            Keys.requireMaxBytes("tenantId", tenantId, Keys.MAX_TENANT_ID_BYTES);
        }
        if (schemaVersion < 1) {
            throw new InvalidInputException("schemaVersion", "must be at least 1, was " + schemaVersion);
        }
        occurredAt = Keys.optional(occurredAt);
        if (occurredAt != null) {
            // Stored as the wire format says (UTC, milliseconds), whatever ISO form the caller used.
            occurredAt = Timestamps.normalize("occurredAt", occurredAt);
        }
        correlationId = Keys.optional(correlationId);
        causationId = Keys.optional(causationId);
        actorId = Keys.optional(actorId);
        payload = payload == null ? MissingNode.getInstance() : payload;
        // Validated into a private copy with numbers as DynamoDB keeps them.
        payload = EventJson.storable("payload", payload);
    }

    /** The stored form of this event at a version; {@code occurredAt} falls back to {@code now}. */
    public EventRecord toRecord(AggregateRef aggregate, long version, Instant now) {
        return new EventRecord(aggregate.aggregateType(), aggregate.aggregateId(), version, eventId, eventType,
                source, tenantId, schemaVersion, occurredAt != null ? occurredAt : Timestamps.format(now),
                correlationId, causationId, actorId, payload, EventMeta.NONE);
    }

    public NewEvent withOccurredAt(String value) {
        return new NewEvent(eventId, eventType, source, tenantId, schemaVersion, value, correlationId, causationId,
                actorId, payload);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().eventId(eventId).eventType(eventType).source(source).tenantId(tenantId)
                .schemaVersion(schemaVersion).occurredAt(occurredAt).correlationId(correlationId)
                .causationId(causationId).actorId(actorId).payload(payload);
    }

    @Override
    public String toString() {
        return "NewEvent[" + eventType + " " + eventId + "]";
    }

    /** Builds a {@link NewEvent}; {@code schemaVersion} defaults to 1. */
    public static final class Builder {
        private String eventId;
        private String eventType;
        private String source;
        private String tenantId;
        private int schemaVersion = 1;
        private String occurredAt;
        private String correlationId;
        private String causationId;
        private String actorId;
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

        public Builder tenantId(String v) {
            this.tenantId = v;
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

        public Builder correlationId(String v) {
            this.correlationId = v;
            return this;
        }

        public Builder causationId(String v) {
            this.causationId = v;
            return this;
        }

        public Builder actorId(String v) {
            this.actorId = v;
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
            return new NewEvent(eventId, eventType, source, tenantId, schemaVersion, occurredAt, correlationId,
                    causationId, actorId, payload);
        }
    }
}
