package dev.eventfold.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.json.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the Lambda event fixtures of src/test/resources/events into the aws-lambda-java-events types. */
final class Fixtures {
    private Fixtures() {
    }

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) {
        return EventJson.parse(text(name));
    }

    static SQSEvent sqsEvent(String name) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (JsonNode r : json(name).get("Records")) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(r.get("messageId").asText());
            m.setReceiptHandle(r.get("receiptHandle").asText());
            m.setBody(r.get("body").asText());
            Map<String, String> attributes = new LinkedHashMap<>();
            r.get("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
            m.setAttributes(attributes);
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    static DynamodbEvent dynamodbEvent(String name) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (JsonNode r : json(name).get("Records")) {
            DynamodbEvent.DynamodbStreamRecord rec = new DynamodbEvent.DynamodbStreamRecord();
            rec.setEventName(r.get("eventName").asText());
            StreamRecord change = new StreamRecord();
            change.setSequenceNumber(r.get("dynamodb").get("SequenceNumber").asText());
            if (r.get("dynamodb").has("NewImage")) {
                change.setNewImage(image(r.get("dynamodb").get("NewImage")));
            }
            rec.setDynamodb(change);
            records.add(rec);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    static Map<String, AttributeValue> image(JsonNode m) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        m.properties().forEach(e -> out.put(e.getKey(), value(e.getValue())));
        return out;
    }

    static AttributeValue value(JsonNode v) {
        String type = v.fieldNames().next();
        JsonNode x = v.get(type);
        return switch (type) {
            case "S" -> new AttributeValue().withS(x.asText());
            case "N" -> new AttributeValue().withN(x.asText());
            case "BOOL" -> new AttributeValue().withBOOL(x.asBoolean());
            case "NULL" -> new AttributeValue().withNULL(true);
            case "M" -> new AttributeValue().withM(image(x));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                x.forEach(e -> l.add(value(e)));
                yield new AttributeValue().withL(l);
            }
            default -> throw new IllegalArgumentException("fixture type " + type);
        };
    }
}
