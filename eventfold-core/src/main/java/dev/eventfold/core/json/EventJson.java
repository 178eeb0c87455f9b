package dev.eventfold.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventfold.core.InvalidInputException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The JSON codec: the one mapper that reads and writes payloads, and the rules that make a
 * payload storable in DynamoDB. The item and message shapes of events are the wire layout's
 * ({@link dev.eventfold.spi.wire.EventItems}).
 *
 * <p>Numbers never pass through {@code double}: decimals are {@link BigDecimal}s with their
 * digits, integers stay integers, as DynamoDB's 38-digit decimal numbers require.
 */
public final class EventJson {
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
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
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
     * Refuses what the shared table cannot hold (binary or POJO nodes, NaN and infinities, numbers
     * beyond DynamoDB's 38 digits or its exponent range, nesting beyond 32 levels) and makes a
     * private deep copy in the same pass: numbers as DynamoDB stores them
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

}
