package dev.eventfold.core;

import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.spi.wire.Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.eventfold.core.json.EventJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored event, with every attribute of the shared table's event item (WIRE.md section 2)
 * and the wire-only {@link EventMeta}. Optional text attributes are {@code null} when absent
 * (they are omitted from the item, never written empty); an absent payload is a
 * {@link MissingNode}.
 *
 * <p>{@code occurredAt} is kept as the stored text so that what another runtime wrote reads
 * back byte for byte; {@link #occurredAtInstant()} parses it.
 */
public record EventRecord(
        String aggregateType,
        String aggregateId,
        long version,
        String eventId,
        String eventType,
        String source,
        String tenantId,
        int schemaVersion,
        String occurredAt,
        String correlationId,
        String causationId,
        String actorId,
        JsonNode payload,
        EventMeta meta) {

    public EventRecord {
        aggregateType = Keys.requireAggregateType(aggregateType);
        aggregateId = Keys.requireNonBlank("aggregateId", aggregateId);
        Keys.requireVersion("version", version);
        eventId = Keys.requireNonBlank("eventId", eventId);
        eventType = Keys.requireNonBlank("eventType", eventType);
        source = Keys.optional(source);
        tenantId = Keys.optional(tenantId);
        if (schemaVersion < 1) {
            throw new InvalidInputException("schemaVersion", "must be at least 1, was " + schemaVersion);
        }
        occurredAt = Keys.optional(occurredAt);
        correlationId = Keys.optional(correlationId);
        causationId = Keys.optional(causationId);
        actorId = Keys.optional(actorId);
        payload = payload == null ? MissingNode.getInstance() : payload;
        meta = meta == null ? EventMeta.NONE : meta;
    }

    public AggregateRef aggregate() {
        return new AggregateRef(aggregateType, aggregateId);
    }

    public String pk() {
        return Keys.pk(aggregateType, aggregateId);
    }

    public String sk() {
        return Keys.eventSk(version);
    }

    /** The payload bound to a type of yours (records, POJOs, maps) with the library's mapper. */
    public <T> T payloadAs(Class<T> type) {
        return EventJson.payloadAs(payload, type);
    }

    /** {@code occurredAt} as an instant; empty when absent or not ISO-8601. */
    public Optional<Instant> occurredAtInstant() {
        if (occurredAt == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(occurredAt));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public EventRecord withMeta(EventMeta newMeta) {
        return new EventRecord(aggregateType, aggregateId, version, eventId, eventType, source, tenantId,
                schemaVersion, occurredAt, correlationId, causationId, actorId, payload, newMeta);
    }

    public EventRecord withPayload(int newSchemaVersion, JsonNode newPayload) {
        return new EventRecord(aggregateType, aggregateId, version, eventId, eventType, source, tenantId,
                newSchemaVersion, occurredAt, correlationId, causationId, actorId, newPayload, meta);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().aggregate(aggregateType, aggregateId).version(version).eventId(eventId)
                .eventType(eventType).source(source).tenantId(tenantId).schemaVersion(schemaVersion)
                .occurredAt(occurredAt).correlationId(correlationId).causationId(causationId)
                .actorId(actorId).payload(payload).meta(meta);
    }

    @Override
    public String toString() {
        // No payload: records end up in logs.
        return "EventRecord[" + aggregateType + "/" + aggregateId + " v" + version + " " + eventType + " " + eventId + "]";
    }

    /** Builds an {@link EventRecord}; validation happens in {@link #build()}. */
    public static final class Builder {
        private String aggregateType;
        private String aggregateId;
        private long version;
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
        private EventMeta meta = EventMeta.NONE;

        private Builder() {
        }

        public Builder aggregate(String type, String id) {
            this.aggregateType = type;
            this.aggregateId = id;
            return this;
        }

        public Builder aggregate(AggregateRef ref) {
            return aggregate(ref.aggregateType(), ref.aggregateId());
        }

        public Builder version(long v) {
            this.version = v;
            return this;
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

        public Builder meta(EventMeta v) {
            this.meta = Objects.requireNonNullElse(v, EventMeta.NONE);
            return this;
        }

        public EventRecord build() {
            return new EventRecord(aggregateType, aggregateId, version, eventId, eventType, source, tenantId,
                    schemaVersion, occurredAt, correlationId, causationId, actorId, payload, meta);
        }
    }
}
