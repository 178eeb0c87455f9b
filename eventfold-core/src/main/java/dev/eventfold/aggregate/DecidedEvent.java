package dev.eventfold.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;

/**
 * An event a {@link Decider} wants appended: its type and payload. The {@link CommandHandler}
 * adds the rest (event id derived from the command id, source, context fields, timestamp).
 *
 * @param schemaVersion the payload's shape, 1 unless the type has evolved
 * @param tenantId      null to take the current event context's tenant
 */
public record DecidedEvent(String eventType, JsonNode payload, int schemaVersion, String tenantId) {
    public DecidedEvent {
        eventType = Keys.requireNonBlank("eventType", eventType);
        Keys.requireSchemaVersion(schemaVersion);
        payload = payload == null ? EventJson.toPayload(null) : payload;
        // A private storable copy, validated once: the command handler hands it to its NewEvent.
        payload = EventJson.storable("payload", payload);
    }

    /** The payload (a copy: the decided event's own stays as validated). */
    @Override
    public JsonNode payload() {
        return payload.deepCopy();
    }

    /** The validated payload itself, for the command handler. */
    JsonNode storablePayload() {
        return payload;
    }

    /** An event of schema version 1; {@code payload} is any value Jackson maps to JSON. */
    public static DecidedEvent of(String eventType, Object payload) {
        return new DecidedEvent(eventType, payload instanceof JsonNode n ? n : EventJson.toPayload(payload), 1, null);
    }

    public DecidedEvent withSchemaVersion(int v) {
        return new DecidedEvent(eventType, payload, v, tenantId);
    }

    public DecidedEvent withTenantId(String v) {
        return new DecidedEvent(eventType, payload, schemaVersion, v);
    }

    @Override
    public String toString() {
        return "DecidedEvent[" + eventType + " v" + schemaVersion + "]";
    }
}
