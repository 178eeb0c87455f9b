package dev.eventfold.dynamodb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Plain JSON to DynamoDB attribute values and back (WIRE.md section 2): object to M, array to L,
 * string to S, number to N, boolean to BOOL, null to NULL.
 *
 * <p>Numbers go through {@link BigDecimal}, never {@code double}: {@code N} is a decimal string of
 * up to 38 digits. Integers come back as integer nodes, decimals as exact decimal nodes. Sets and
 * binaries, which JSON does not have, read as arrays and base64 strings.
 */
public final class AttributeValues {
    private static final JsonNodeFactory NODES = EventJson.mapper().getNodeFactory();

    private AttributeValues() {
    }

    /** The key of an item of the shared table. */
    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Attributes.PK, AttributeValue.fromS(pk), Attributes.SK, AttributeValue.fromS(sk));
    }

    /** A head item read from the table; a malformed one is a {@link CorruptItemException}. */
    public static AggregateHead head(String pk, Map<String, AttributeValue> item) {
        try {
            return EventItems.headFromJson(toJson(item));
        } catch (InvalidInputException e) {
            throw new CorruptItemException(pk, Keys.HEAD_SK, e.getMessage());
        }
    }

    /** An event item read from the table; a malformed one is a {@link CorruptItemException} naming its key. */
    public static EventRecord event(Map<String, AttributeValue> item) {
        try {
            return EventItems.fromJson(toJson(item));
        } catch (InvalidInputException e) {
            AttributeValue pk = item.get(Attributes.PK);
            AttributeValue sk = item.get(Attributes.SK);
            throw new CorruptItemException(pk == null ? null : pk.s(), sk == null ? null : sk.s(), e.getMessage());
        }
    }

    public static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode o = NODES.objectNode();
        item.forEach((k, v) -> o.set(k, toJson(v)));
        return o;
    }

    public static JsonNode toJson(AttributeValue v) {
        switch (v.type()) {
            case S:
                return NODES.textNode(v.s());
            case N:
                return number(v.n());
            case BOOL:
                return NODES.booleanNode(v.bool());
            case NUL:
                return NODES.nullNode();
            case M: {
                ObjectNode o = NODES.objectNode();
                v.m().forEach((k, e) -> o.set(k, toJson(e)));
                return o;
            }
            case L: {
                ArrayNode a = NODES.arrayNode();
                v.l().forEach(e -> a.add(toJson(e)));
                return a;
            }
            case SS: {
                ArrayNode a = NODES.arrayNode();
                v.ss().forEach(a::add);
                return a;
            }
            case NS: {
                ArrayNode a = NODES.arrayNode();
                v.ns().forEach(n -> a.add(number(n)));
                return a;
            }
            case B:
                return NODES.textNode(Base64.getEncoder().encodeToString(v.b().asByteArrayUnsafe()));
            case BS: {
                ArrayNode a = NODES.arrayNode();
                v.bs().forEach(b -> a.add(Base64.getEncoder().encodeToString(b.asByteArrayUnsafe())));
                return a;
            }
            default:
                throw new InvalidInputException("attribute", "unknown DynamoDB attribute type");
        }
    }

    /** An integer node for whole numbers, an exact decimal node otherwise. */
    static JsonNode number(String n) {
        return EventJson.numberNode(new BigDecimal(n));
    }

    public static Map<String, AttributeValue> fromJson(ObjectNode item) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : item.properties()) {
            if (!e.getValue().isMissingNode()) {
                m.put(e.getKey(), fromJsonValue(e.getValue()));
            }
        }
        return m;
    }

    public static AttributeValue fromJsonValue(JsonNode v) {
        switch (v.getNodeType()) {
            case STRING:
                return AttributeValue.fromS(v.textValue());
            case NUMBER:
                return AttributeValue.fromN(numberText(v));
            case BOOLEAN:
                return AttributeValue.fromBool(v.booleanValue());
            case NULL:
                return AttributeValue.fromNul(true);
            case OBJECT: {
                Map<String, AttributeValue> m = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    m.put(e.getKey(), fromJsonValue(e.getValue()));
                }
                return AttributeValue.fromM(m);
            }
            case ARRAY: {
                List<AttributeValue> l = new ArrayList<>(v.size());
                v.forEach(e -> l.add(fromJsonValue(e)));
                return AttributeValue.fromL(l);
            }
            case BINARY:
                try {
                    return AttributeValue.fromB(SdkBytes.fromByteArray(v.binaryValue()));
                } catch (java.io.IOException e) {
                    throw new InvalidInputException("payload", "unreadable binary value");
                }
            default:
                throw new InvalidInputException("payload", "a " + v.getNodeType() + " value is not JSON-representable");
        }
    }

    private static String numberText(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        BigDecimal d = v.decimalValue();
        // Plain digits where they stay short; DynamoDB also accepts exponent notation for the rest.
        return Math.abs(d.scale()) <= 64 ? d.toPlainString() : d.toString();
    }
}
