package dev.eventfold.spi.wire;

import static dev.eventfold.spi.wire.Attributes.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventMeta;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.core.AppendResult;
import dev.eventfold.store.AppendRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Event and head items as plain JSON, in the attribute layout of WIRE.md sections 2, 3 and 6: what
 * both stores write, what the stream fan-out sends as SQS bodies and EventBridge details, and what
 * the listener, replay and the integrity check read back, from any runtime.
 *
 * <pre>{@code
 * ObjectNode item = EventItems.toItemJson(record);       // pk, sk, itemType = event, ...
 * String body = EventItems.toMessageBody(record);        // the item plus meta when set
 * EventRecord again = EventItems.fromJson(EventJson.parse(body));
 * }</pre>
 */
public final class EventItems {
    private EventItems() {
    }

    /** The event as stored: the item's attributes as plain JSON, without {@code meta}. */
    public static ObjectNode toItemJson(EventRecord e) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put(PK, e.pk());
        o.put(SK, e.sk());
        o.put(ITEM_TYPE, ITEM_TYPE_EVENT);
        putIfPresent(o, SOURCE, e.source());
        o.put(AGGREGATE_ID, e.aggregateId());
        o.put(AGGREGATE_TYPE, e.aggregateType());
        o.put(VERSION, e.version());
        putIfPresent(o, TENANT_ID, e.tenantId());
        o.put(EVENT_ID, e.eventId());
        o.put(EVENT_TYPE, e.eventType());
        o.put(SCHEMA_VERSION, e.schemaVersion());
        putIfPresent(o, OCCURRED_AT, e.occurredAt());
        putIfPresent(o, CORRELATION_ID, e.correlationId());
        putIfPresent(o, CAUSATION_ID, e.causationId());
        putIfPresent(o, ACTOR_ID, e.actorId());
        if (!e.payload().isMissingNode()) {
            o.set(PAYLOAD, e.payload());
        }
        return o;
    }

    /** The body of an SQS message or EventBridge detail: the item JSON plus {@code meta} when set. */
    public static ObjectNode toMessageJson(EventRecord e) {
        ObjectNode o = toItemJson(e);
        EventMeta m = e.meta();
        if (!m.isEmpty()) {
            ObjectNode meta = o.putObject(META);
            m.replayFlag().ifPresent(v -> meta.put("replay", v));
            m.staleFlag().ifPresent(v -> meta.put("isStale", v));
            m.ageMs().ifPresent(v -> meta.put("ageMs", v));
        }
        return o;
    }

    public static String toMessageBody(EventRecord e) {
        return EventJson.write(toMessageJson(e));
    }

    /**
     * Reads an event from its item JSON or a message body written by any runtime. Unknown
     * attributes are ignored; what is missing or mistyped is an {@link InvalidInputException}
     * naming the attribute.
     */
    public static EventRecord fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new InvalidInputException("event", "not a JSON object");
        }
        String aggregateType = text(o, AGGREGATE_TYPE, false);
        String aggregateId = text(o, AGGREGATE_ID, false);
        if (aggregateType == null || aggregateId == null) {
            // Older items may lack the plain attributes; the partition key still names the aggregate.
            String pk = text(o, PK, false);
            if (pk != null) {
                AggregateRef ref = AggregateRef.fromPk(pk);
                aggregateType = aggregateType != null ? aggregateType : ref.aggregateType();
                aggregateId = aggregateId != null ? aggregateId : ref.aggregateId();
            }
        }
        long version = longValue(o, VERSION, -1);
        if (version < 0) {
            String sk = text(o, SK, false);
            if (sk == null) {
                throw new InvalidInputException(VERSION, "missing");
            }
            version = Keys.versionOf(sk);
        }
        return new EventRecord(aggregateType, aggregateId, version,
                text(o, EVENT_ID, true), text(o, EVENT_TYPE, true), text(o, SOURCE, false),
                (int) longValue(o, SCHEMA_VERSION, 1), text(o, OCCURRED_AT, false),
                new EventMetadata(text(o, TENANT_ID, false), text(o, CORRELATION_ID, false),
                        text(o, CAUSATION_ID, false), text(o, ACTOR_ID, false)),
                o.has(PAYLOAD) ? o.get(PAYLOAD) : MissingNode.getInstance(), meta(o.get(META)));
    }

    /** Reads a head item's JSON. {@code itemType} is not required: the reference runtime does not write it. */
    public static AggregateHead headFromJson(JsonNode o) {
        String pk = text(o, PK, true);
        AggregateRef ref = AggregateRef.fromPk(pk);
        long version = longValue(o, CURRENT_VERSION, -1);
        if (version < 0) {
            throw new InvalidInputException(CURRENT_VERSION, "missing");
        }
        return new AggregateHead(ref, version, text(o, LAST_EVENT_ID, false), text(o, LAST_IDEM_KEY, false),
                text(o, UPDATED_AT, false));
    }

    private static EventMeta meta(JsonNode m) {
        if (m == null || !m.isObject()) {
            return EventMeta.NONE;
        }
        JsonNode replay = m.get("replay");
        JsonNode stale = m.get("isStale");
        JsonNode age = m.get("ageMs");
        return EventMeta.of(replay != null && replay.isBoolean() ? replay.booleanValue() : null,
                stale != null && stale.isBoolean() ? stale.booleanValue() : null,
                age != null && age.isNumber() ? age.longValue() : null);
    }

    private static void putIfPresent(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static String text(JsonNode o, String name, boolean required) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            if (required) {
                throw new InvalidInputException(name, "missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException(name, "expected a string, found " + v.getNodeType());
        }
        return v.textValue();
    }

    private static long longValue(JsonNode o, String name, long absent) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return absent;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0)) {
            throw new InvalidInputException(name, "expected an integer, found " + v.getNodeType());
        }
        if (!v.canConvertToLong()) {
            throw new InvalidInputException(name, "out of range");
        }
        return v.longValue();
    }

    /** True for an item (or stream image, as plain JSON) whose {@code itemType} is {@code event}. */
    public static boolean isEvent(JsonNode item) {
        JsonNode t = item == null ? null : item.get(ITEM_TYPE);
        return t != null && t.isTextual() && ITEM_TYPE_EVENT.equals(t.textValue());
    }

    /** A head item as the table stores it (WIRE.md section 3). */
    public static ObjectNode toHeadJson(AggregateHead h) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put(PK, h.pk());
        o.put(SK, Keys.HEAD_SK);
        o.put(ITEM_TYPE, ITEM_TYPE_HEAD);
        o.put(CURRENT_VERSION, h.currentVersion());
        putIfPresent(o, LAST_EVENT_ID, h.lastEventId());
        putIfPresent(o, LAST_IDEM_KEY, h.lastIdemKey());
        putIfPresent(o, UPDATED_AT, h.updatedAt());
        o.put(AGGREGATE_ID, h.aggregate().aggregateId());
        o.put(AGGREGATE_TYPE, h.aggregate().aggregateType());
        return o;
    }

    /** The value of a string attribute, or null when absent or not a string. */
    public static String textOrNull(JsonNode item, String name) {
        JsonNode v = item.get(name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /**
     * The record of an append under {@code IDEM#<idempotencyKey>} (ADR 0001): the versions it wrote,
     * its first and last event ids, and {@code expiresAt} (epoch seconds) for the table's TTL.
     */
    public static ObjectNode idempotencyRecord(AppendRequest request, Instant now, Duration retention) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put(PK, request.aggregate().pk());
        o.put(SK, Keys.idempotencySk(request.idempotencyKey()));
        o.put(ITEM_TYPE, ITEM_TYPE_IDEMPOTENCY);
        o.put(IDEMPOTENCY_KEY, request.idempotencyKey());
        o.put(FIRST_VERSION, request.firstVersion());
        o.put(LAST_VERSION, request.lastVersion());
        o.put(EVENT_ID, request.firstEvent().eventId());
        o.put(LAST_EVENT_ID, request.lastEvent().eventId());
        o.put(CREATED_AT, Timestamps.format(now));
        o.put(EXPIRES_AT, now.plus(retention).getEpochSecond());
        return o;
    }

    /**
     * The append an idempotency record stands for.
     *
     * @throws InvalidInputException when the record is malformed
     */
    public static AppendResult appendOf(AggregateRef aggregate, JsonNode record) {
        JsonNode first = record.get(FIRST_VERSION);
        JsonNode last = record.get(LAST_VERSION);
        if (first == null || last == null || !first.canConvertToLong() || !last.canConvertToLong()) {
            throw new InvalidInputException("idempotency record", "has no versions");
        }
        return new AppendResult(aggregate, first.longValue(), last.longValue(), true);
    }
}
