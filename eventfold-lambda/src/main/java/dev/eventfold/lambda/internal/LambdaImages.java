package dev.eventfold.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.json.EventJson;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns the stream images of {@code aws-lambda-java-events} (its own AttributeValue type, not
 * the SDK's) into plain JSON, as {@code unmarshall} does for the reference: M to object, L to
 * array, N to an exact decimal (never through double), BOOL, NULL, sets to arrays, binary to
 * base64 text.
 */
public final class LambdaImages {
    private static final JsonNodeFactory NODES = EventJson.mapper().getNodeFactory();

    private LambdaImages() {
    }

    public static ObjectNode toJson(Map<String, AttributeValue> image) {
        ObjectNode o = NODES.objectNode();
        image.forEach((name, value) -> o.set(name, toJson(value)));
        return o;
    }

    public static JsonNode toJson(AttributeValue v) {
        if (v.getS() != null) {
            return NODES.textNode(v.getS());
        }
        if (v.getN() != null) {
            return number(v.getN());
        }
        if (v.getBOOL() != null) {
            return NODES.booleanNode(v.getBOOL());
        }
        if (Boolean.TRUE.equals(v.getNULL())) {
            return NODES.nullNode();
        }
        if (v.getM() != null) {
            return toJson(v.getM());
        }
        if (v.getL() != null) {
            ArrayNode a = NODES.arrayNode();
            v.getL().forEach(e -> a.add(toJson(e)));
            return a;
        }
        if (v.getB() != null) {
            return NODES.textNode(base64(v.getB()));
        }
        if (v.getSS() != null) {
            ArrayNode a = NODES.arrayNode();
            v.getSS().forEach(a::add);
            return a;
        }
        if (v.getNS() != null) {
            ArrayNode a = NODES.arrayNode();
            v.getNS().forEach(n -> a.add(number(n)));
            return a;
        }
        if (v.getBS() != null) {
            ArrayNode a = NODES.arrayNode();
            List<ByteBuffer> bs = v.getBS();
            bs.forEach(b -> a.add(base64(b)));
            return a;
        }
        // An empty AttributeValue: nothing DynamoDB writes; read as null rather than fail the batch.
        return NODES.nullNode();
    }

    /** An int, long or big-integer node for whole numbers (as parsed JSON has them), an exact decimal otherwise. */
    private static JsonNode number(String n) {
        return dev.eventfold.core.json.EventJson.numberNode(new BigDecimal(n));
    }

    private static String base64(ByteBuffer b) {
        ByteBuffer copy = b.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
