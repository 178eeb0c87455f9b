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
        int schemaVersion,
        String occurredAt,
        EventMetadata metadata,
        JsonNode payload,
        EventMeta meta) implements CarriesMetadata {

    public EventRecord {
        aggregateType = Keys.requireAggregateType(aggregateType);
        aggregateId = Keys.requireNonBlank("aggregateId", aggregateId);
        Keys.requireVersion("version", version);
        eventId = Keys.requireNonBlank("eventId", eventId);
        eventType = Keys.requireNonBlank("eventType", eventType);
        source = Keys.optional(source);
        Keys.requireSchemaVersion(schemaVersion);
        occurredAt = Keys.optional(occurredAt);
        metadata = metadata == null ? EventMetadata.NONE : metadata;
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
        return new EventRecord(aggregateType, aggregateId, version, eventId, eventType, source, schemaVersion,
                occurredAt, metadata, payload, newMeta);
    }

    public EventRecord withPayload(int newSchemaVersion, JsonNode newPayload) {
        return new EventRecord(aggregateType, aggregateId, version, eventId, eventType, source, newSchemaVersion,
                occurredAt, metadata, newPayload, meta);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().aggregate(aggregateType, aggregateId).version(version).eventId(eventId)
                .eventType(eventType).source(source).schemaVersion(schemaVersion)
                .occurredAt(occurredAt).metadata(metadata).payload(payload).meta(meta);
    }

    @Override
    public String toString() {
        // No payload: records end up in logs.
        return "EventRecord[" + aggregateType + "/" + aggregateId + " v" + version + " " + eventType + " " + eventId + "]";
    }

    /** Builds an {@link EventRecord}; validation happens in {@link #build()}. */
    public static final class Builder extends EventMetadata.Setters<Builder> {
        private String aggregateType;
        private String aggregateId;
        private long version;
        private String eventId;
        private String eventType;
        private String source;
        private int schemaVersion = 1;
        private String occurredAt;
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

        public Builder meta(EventMeta v) {
            this.meta = Objects.requireNonNullElse(v, EventMeta.NONE);
            return this;
        }

        public EventRecord build() {
            return new EventRecord(aggregateType, aggregateId, version, eventId, eventType, source, schemaVersion,
                    occurredAt, buildMetadata(), payload, meta);
        }
    }
}
