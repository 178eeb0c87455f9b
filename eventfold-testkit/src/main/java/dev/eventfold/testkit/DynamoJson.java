package dev.eventfold.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads DynamoDB's typed JSON ({@code {"pk": {"S": "..."}, "version": {"N": "2"}}}, as in the wire
 * vectors and stream records) into SDK attribute values, so tests can write items raw, exactly
 * as another runtime would have.
 */
public final class DynamoJson {
    private DynamoJson() {
    }

    public static Map<String, AttributeValue> item(JsonNode typed) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : typed.properties()) {
            m.put(e.getKey(), value(e.getValue()));
        }
        return m;
    }

    public static AttributeValue value(JsonNode typed) {
        Map.Entry<String, JsonNode> e = typed.properties().iterator().next();
        JsonNode v = e.getValue();
        switch (e.getKey()) {
            case "S":
                return AttributeValue.fromS(v.textValue());
            case "N":
                return AttributeValue.fromN(v.textValue());
            case "BOOL":
                return AttributeValue.fromBool(v.booleanValue());
            case "NULL":
                return AttributeValue.fromNul(true);
            case "M":
                return AttributeValue.fromM(item(v));
            case "L": {
                List<AttributeValue> l = new ArrayList<>();
                v.forEach(x -> l.add(value(x)));
                return AttributeValue.fromL(l);
            }
            case "SS": {
                List<String> l = new ArrayList<>();
                v.forEach(x -> l.add(x.textValue()));
                return AttributeValue.fromSs(l);
            }
            case "NS": {
                List<String> l = new ArrayList<>();
                v.forEach(x -> l.add(x.textValue()));
                return AttributeValue.fromNs(l);
            }
            case "B":
                return AttributeValue.fromB(SdkBytes.fromByteArray(java.util.Base64.getDecoder().decode(v.textValue())));
            default:
                throw new IllegalArgumentException("unknown DynamoDB type " + e.getKey());
        }
    }
}
