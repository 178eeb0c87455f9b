package dev.eventfold.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventMeta;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The JSON shape of events: the plain-JSON event item that SQS bodies and EventBridge details
 * carry (WIRE.md section 6), and the one mapper that reads and writes payloads.
 *
 * <p>Numbers never pass through {@code double}: decimals are {@link BigDecimal}s with their
 * digits, integers stay integers, as DynamoDB's 38-digit decimal numbers require.
 */
public final class EventJson {
    public static final String ITEM_TYPE_EVENT = "event";
    public static final String ITEM_TYPE_HEAD = "head";

    /** DynamoDB numbers: up to 38 significant digits, magnitude between 1E-130 and 9.99...E+125. */
    private static final int MAX_DIGITS = 38;
    private static final int MAX_EXPONENT = 125;
    private static final int MIN_EXPONENT = -130;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            // NaN and infinities as bare tokens, which no JSON reader accepts, rather than as strings.
            .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .addModule(new JavaTimeModule())
            .build();

    private EventJson() {
    }

    /** The shared mapper: exact decimals, java.time support, unknown properties ignored. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // The message of a parse error quotes the input: keep it out.
            throw new InvalidInputException("json", "not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    /**
     * JSON equality as the wire contract means it: same structure, strings and booleans, and
     * numbers equal by value ({@code 2}, {@code 2.0} and a long 2 are the same number), key order ignored.
     */
    public static boolean equivalent(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("json", "cannot be written: " + e.getOriginalMessage());
        }
    }

    /**
     * Turns a value of the user's into JSON through its text, so a float keeps its shortest decimal
     * form (0.1f is 0.1, where a token buffer would widen it to its binary expansion). NaN and
     * infinities are written as bare tokens, which the reader refuses. Validated by
     * {@link #storable} when it becomes an event's payload.
     */
    public static JsonNode toPayload(Object value) {
        if (value == null) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException("payload", "not representable as JSON: " + value.getClass().getName());
        }
    }

    public static <T> T payloadAs(JsonNode payload, Class<T> type) {
        try {
            return MAPPER.treeToValue(payload, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // Jackson's messages quote the offending value: name only the type and where it failed.
            String where = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                    ? " at " + m.getPath().stream()
                            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                            .collect(java.util.stream.Collectors.joining("."))
                    : "";
            throw new InvalidInputException("payload", "cannot be read as " + type.getName() + where);
        }
    }

    /**
     * Refuses what the shared table cannot hold: binary or POJO nodes, NaN and infinities,
     * numbers beyond DynamoDB's 38 digits or its exponent range, nesting beyond 32 levels.
     */
    public static void requireStorable(String field, JsonNode node) {
        storable(field, node);
    }

    /**
     * {@link #requireStorable} and a private deep copy in one pass: numbers as DynamoDB stores them
     * (whole numbers as integer nodes, others as decimals without trailing zeros, floats and doubles
     * by their shortest decimal form), so both stores read back the same digits and what the caller
     * holds can change without changing the event.
     */
    public static JsonNode storable(String field, JsonNode node) {
        return storable(field, node, 0);
    }

    private static JsonNode storable(String path, JsonNode node, int depth) {
        if (depth > 32) {
            // DynamoDB nests documents at most 32 levels deep.
            throw new InvalidInputException(path, "nested deeper than DynamoDB's 32 levels");
        }
        switch (node.getNodeType()) {
            case OBJECT: {
                ObjectNode o = MAPPER.createObjectNode();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    o.set(e.getKey(), storable(path + "." + e.getKey(), e.getValue(), depth + 1));
                }
                return o;
            }
            case ARRAY: {
                com.fasterxml.jackson.databind.node.ArrayNode a = MAPPER.createArrayNode();
                for (int i = 0; i < node.size(); i++) {
                    a.add(storable(path + "[" + i + "]", node.get(i), depth + 1));
                }
                return a;
            }
            case NUMBER:
                return storableNumber(path, node);
            case STRING:
            case BOOLEAN:
            case NULL:
            case MISSING:
                return node; // immutable nodes
            default:
                throw new InvalidInputException(path, "a " + node.getNodeType() + " value is not JSON-representable");
        }
    }

    private static JsonNode storableNumber(String path, JsonNode node) {
        BigDecimal d;
        if (node.isFloat() || node.isDouble()) {
            double v = node.doubleValue();
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new InvalidInputException(path, "NaN and infinities are not JSON numbers");
            }
            d = new BigDecimal(node.isFloat() ? Float.toString(node.floatValue()) : Double.toString(v));
        } else {
            d = node.decimalValue();
        }
        BigDecimal n = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        if (n.signum() != 0) {
            if (n.precision() > MAX_DIGITS) {
                throw new InvalidInputException(path, "a number of " + n.precision()
                        + " significant digits does not fit DynamoDB's 38");
            }
            int exponent = n.precision() - n.scale() - 1;
            if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT) {
                throw new InvalidInputException(path, "a number with exponent " + exponent
                        + " is outside DynamoDB's range (1E-130 to 9.9E+125)");
            }
        }
        return numberNode(n);
    }

    /** A number as DynamoDB gives it back: an int, long or big integer node when whole, else an exact decimal. */
    public static JsonNode numberNode(BigDecimal value) {
        BigDecimal n = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        if (n.scale() <= 0) {
            java.math.BigInteger i = n.toBigIntegerExact();
            return i.bitLength() < 32 ? MAPPER.getNodeFactory().numberNode(i.intValue())
                    : i.bitLength() < 64 ? MAPPER.getNodeFactory().numberNode(i.longValue())
                    : MAPPER.getNodeFactory().numberNode(i);
        }
        return MAPPER.getNodeFactory().numberNode(n);
    }

    /** The event as stored: the item's attributes as plain JSON, without {@code meta}. */
    public static ObjectNode toItemJson(EventRecord e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("pk", e.pk());
        o.put("sk", e.sk());
        o.put("itemType", ITEM_TYPE_EVENT);
        putIfPresent(o, "source", e.source());
        o.put("aggregateId", e.aggregateId());
        o.put("aggregateType", e.aggregateType());
        o.put("version", e.version());
        putIfPresent(o, "tenantId", e.tenantId());
        o.put("eventId", e.eventId());
        o.put("eventType", e.eventType());
        o.put("schemaVersion", e.schemaVersion());
        putIfPresent(o, "occurredAt", e.occurredAt());
        putIfPresent(o, "correlationId", e.correlationId());
        putIfPresent(o, "causationId", e.causationId());
        putIfPresent(o, "actorId", e.actorId());
        if (!e.payload().isMissingNode()) {
            o.set("payload", e.payload());
        }
        return o;
    }

    /** The body of an SQS message or EventBridge detail: the item JSON plus {@code meta} when set. */
    public static ObjectNode toMessageJson(EventRecord e) {
        ObjectNode o = toItemJson(e);
        EventMeta m = e.meta();
        if (!m.isEmpty()) {
            ObjectNode meta = o.putObject("meta");
            m.replayFlag().ifPresent(v -> meta.put("replay", v));
            m.staleFlag().ifPresent(v -> meta.put("isStale", v));
            m.ageMs().ifPresent(v -> meta.put("ageMs", v));
        }
        return o;
    }

    public static String toMessageBody(EventRecord e) {
        return write(toMessageJson(e));
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
        String aggregateType = text(o, "aggregateType", false);
        String aggregateId = text(o, "aggregateId", false);
        if (aggregateType == null || aggregateId == null) {
            // Older items may lack the plain attributes; the partition key still names the aggregate.
            String pk = text(o, "pk", false);
            if (pk != null) {
                AggregateRef ref = AggregateRef.fromPk(pk);
                aggregateType = aggregateType != null ? aggregateType : ref.aggregateType();
                aggregateId = aggregateId != null ? aggregateId : ref.aggregateId();
            }
        }
        long version = longValue(o, "version", -1);
        if (version < 0) {
            String sk = text(o, "sk", false);
            if (sk == null) {
                throw new InvalidInputException("version", "missing");
            }
            version = Keys.versionOf(sk);
        }
        return new EventRecord(aggregateType, aggregateId, version,
                text(o, "eventId", true), text(o, "eventType", true), text(o, "source", false),
                text(o, "tenantId", false), (int) longValue(o, "schemaVersion", 1), text(o, "occurredAt", false),
                text(o, "correlationId", false), text(o, "causationId", false), text(o, "actorId", false),
                o.has("payload") ? o.get("payload") : MissingNode.getInstance(), meta(o.get("meta")));
    }

    /** Reads a head item's JSON. {@code itemType} is not required: the reference runtime does not write it. */
    public static AggregateHead headFromJson(JsonNode o) {
        String pk = text(o, "pk", true);
        AggregateRef ref = AggregateRef.fromPk(pk);
        long version = longValue(o, "currentVersion", -1);
        if (version < 0) {
            throw new InvalidInputException("currentVersion", "missing");
        }
        return new AggregateHead(ref, version, text(o, "lastEventId", false), text(o, "lastIdemKey", false),
                text(o, "updatedAt", false));
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
}
