package dev.eventfold.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The child JVM of {@link PrebuiltJarIT}: runs on the class path {@code eventfold-lambda.jar} plus
 * this class only, as the Lambda runtime runs the prebuilt fan-out. Puts the request id where the
 * runtime puts it (the Log4j thread context, key {@code AWSRequestId}; SLF4J's MDC is that map),
 * builds {@link EnvStreamFanOutHandler} from the environment and hands it a stream batch of one
 * event and one event item without an event id, which the fan-out logs as an error and reports
 * as the batch's failure. Prints the failed sequence numbers as {@code FAILED [...]}.
 *
 * <p>Argument: the request id.
 */
public final class PrebuiltJarProbe {
    private PrebuiltJarProbe() {
    }

    public static void main(String[] args) {
        MDC.put("AWSRequestId", args[0]);
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(record("1", "evt-probe-1"), record("2", null)));
        StreamsEventResponse response = new EnvStreamFanOutHandler().handleRequest(event, null);
        List<String> failed = new ArrayList<>();
        response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
        System.out.println("FAILED " + failed);
    }

    private static DynamodbEvent.DynamodbStreamRecord record(String sequenceNumber, String eventId) {
        Map<String, AttributeValue> image = new HashMap<>(Map.of(
                "pk", new AttributeValue().withS("AGG#wallet#w1"),
                "sk", new AttributeValue().withS("EVT#00000000" + sequenceNumber),
                "itemType", new AttributeValue().withS("event"),
                "aggregateType", new AttributeValue().withS("wallet"),
                "aggregateId", new AttributeValue().withS("w1"),
                "version", new AttributeValue().withN(sequenceNumber),
                "eventType", new AttributeValue().withS("Wallet.Funded"),
                "occurredAt", new AttributeValue().withS("2026-12-02T10:00:00.000Z"),
                "payload", new AttributeValue().withM(Map.of("amount", new AttributeValue().withN("10")))));
        if (eventId != null) {
            image.put("eventId", new AttributeValue().withS(eventId));
        }
        StreamRecord change = new StreamRecord();
        change.setSequenceNumber(sequenceNumber);
        change.setNewImage(image);
        DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
        r.setEventName("INSERT");
        r.setDynamodb(change);
        return r;
    }
}
