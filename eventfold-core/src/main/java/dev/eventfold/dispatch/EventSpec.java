package dev.eventfold.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.CarriesMetadata;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.internal.StorablePayloads;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * One event to dispatch: the reference runtime's {@code dispatchEvent} argument. Only the
 * aggregate and the event type are required; what is left empty is filled at dispatch time
 * (WIRE.md section 8): {@code eventId} = {@code evt-} + ULID, {@code idempotencyKey} = the
 * eventId, {@code occurredAt} = now, and correlation, causation, actor and tenant from the
 * current {@link dev.eventfold.context.EventContext}. Validated when built, so bad input fails
 * before any request.
 *
 * <pre>{@code
 * EventSpec funded = EventSpec.builder()
 *     .aggregate("wallet", "wal_123")
 *     .eventType("Wallet.Funded")
 *     .source("billing")
 *     .payload(Map.of("amount", 5000))
 *     .build();
 * }</pre>
 *
 * @param payload         {@link MissingNode} when the event has none
 * @param schemaVersion   1 unless given
 * @param expectedVersion when present, the append must find the aggregate at exactly this version
 *                        and a conflict is returned to the caller instead of retried; when empty
 *                        (the default) the dispatcher finds the version itself
 */
public record EventSpec(
        AggregateRef aggregate,
        String eventType,
        JsonNode payload,
        String source,
        String eventId,
        String idempotencyKey,
        String occurredAt,
        int schemaVersion,
        EventMetadata metadata,
        OptionalLong expectedVersion) implements CarriesMetadata {

    public EventSpec {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        eventType = Keys.requireNonBlank("eventType", eventType);
        payload = payload == null ? MissingNode.getInstance() : payload;
        // A private storable copy, validated here once: the dispatch hands this very copy to its NewEvent.
        payload = StorablePayloads.isTrusted(payload) ? payload : EventJson.storable("payload", payload);
        source = Keys.optional(source);
        eventId = requireNullOrNonBlank("eventId", eventId);
        idempotencyKey = requireNullOrNonBlank("idempotencyKey", idempotencyKey);
        occurredAt = Keys.optional(occurredAt);
        if (occurredAt != null) {
            occurredAt = Timestamps.normalize("occurredAt", occurredAt);
        }
        Keys.requireSchemaVersion(schemaVersion);
        metadata = metadata == null ? EventMetadata.NONE : metadata;
        expectedVersion = expectedVersion == null ? OptionalLong.empty() : expectedVersion;
        if (expectedVersion.isPresent()
                && (expectedVersion.getAsLong() < 0 || expectedVersion.getAsLong() >= Keys.MAX_VERSION)) {
            throw new InvalidInputException("expectedVersion", expectedVersion.getAsLong() + " is outside 0.."
                    + (Keys.MAX_VERSION - 1));
        }
    }

    /** The payload (a copy: the spec's own stays as validated). */
    @Override
    public JsonNode payload() {
        return payload.deepCopy();
    }

    /** The validated payload itself, for the dispatcher to hand to its {@code NewEvent} unchanged. */
    JsonNode storablePayload() {
        return payload;
    }

    /** This spec with another event id, its validated payload kept as it is (not validated again). */
    public EventSpec withEventId(String id) {
        return resolved(id, occurredAt, source, metadata);
    }

    /** This spec with ids derived by a dispatch scope, its validated payload kept as it is. */
    EventSpec withDerivedIds(String id, String key) {
        return StorablePayloads.trusting(payload, () -> new EventSpec(aggregate, eventType, payload, source, id,
                key, occurredAt, schemaVersion, metadata, expectedVersion));
    }

    /** This spec with the fields dispatch fills in, its validated payload kept as it is. */
    EventSpec resolved(String id, String time, String resolvedSource, EventMetadata resolvedMetadata) {
        return StorablePayloads.trusting(payload, () -> new EventSpec(aggregate, eventType, payload, resolvedSource, id,
                idempotencyKey, time, schemaVersion, resolvedMetadata, expectedVersion));
    }

    /** The minimal event: aggregate, type and payload (any value Jackson turns into JSON, or null). */
    public static EventSpec of(String aggregateType, String aggregateId, String eventType, Object payload) {
        return builder().aggregate(aggregateType, aggregateId).eventType(eventType).payload(payload).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().aggregate(aggregate).eventType(eventType).payload(payload).source(source)
                .eventId(eventId).idempotencyKey(idempotencyKey).occurredAt(occurredAt)
                .schemaVersion(schemaVersion).metadata(metadata);
        b.expectedVersion = expectedVersion;
        return b;
    }

    @Override
    public String toString() {
        // No payload: specs end up in logs and exception messages.
        return "EventSpec[" + aggregate + " " + eventType + (eventId != null ? " " + eventId : "") + "]";
    }

    private static String requireNullOrNonBlank(String field, String v) {
        if (v != null && v.isBlank()) {
            throw new InvalidInputException(field, "must not be blank when given");
        }
        return v;
    }

    /** Builds an {@link EventSpec}; validation happens in {@link #build()}. */
    public static final class Builder extends EventMetadata.Setters<Builder> {
        private AggregateRef aggregate;
        private String aggregateType;
        private String aggregateId;
        private String eventType;
        private JsonNode payload;
        private String source;
        private String eventId;
        private String idempotencyKey;
        private String occurredAt;
        private int schemaVersion = 1;
        private OptionalLong expectedVersion = OptionalLong.empty();

        private Builder() {
        }

        public Builder aggregate(String type, String id) {
            this.aggregate = null;
            this.aggregateType = type;
            this.aggregateId = id;
            return this;
        }

        public Builder aggregate(AggregateRef ref) {
            this.aggregate = ref;
            this.aggregateType = null;
            this.aggregateId = null;
            return this;
        }

        public Builder eventType(String v) {
            this.eventType = v;
            return this;
        }

        public Builder payload(JsonNode v) {
            this.payload = v;
            return this;
        }

        /** Any value Jackson can turn into JSON: a record, a POJO, a map; null for none. */
        public Builder payload(Object v) {
            this.payload = v instanceof JsonNode node ? node : EventJson.toPayload(v);
            return this;
        }

        public Builder source(String v) {
            this.source = v;
            return this;
        }

        public Builder eventId(String v) {
            this.eventId = v;
            return this;
        }

        public Builder idempotencyKey(String v) {
            this.idempotencyKey = v;
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

        public Builder schemaVersion(int v) {
            this.schemaVersion = v;
            return this;
        }

        /** Append only if the aggregate is at exactly this version (0: it has no events yet). */
        public Builder expectedVersion(long v) {
            this.expectedVersion = OptionalLong.of(v);
            return this;
        }

        /**
         * The event creates its aggregate: appended at version 0 in one request, without reading the
         * head. An existing aggregate is a {@code ConcurrencyConflictException}, returned to the
         * caller rather than retried; a repeat of the same creation (same ids) is recognised as
         * already appended. The same as {@code expectedVersion(0)}.
         */
        public Builder creating() {
            return expectedVersion(0);
        }

        /** Let the dispatcher find the version (the default). */
        public Builder anyVersion() {
            this.expectedVersion = OptionalLong.empty();
            return this;
        }

        public EventSpec build() {
            AggregateRef ref = aggregate != null ? aggregate : new AggregateRef(aggregateType, aggregateId);
            return new EventSpec(ref, eventType, payload, source, eventId, idempotencyKey, occurredAt,
                    schemaVersion, buildMetadata(), expectedVersion);
        }
    }
}
