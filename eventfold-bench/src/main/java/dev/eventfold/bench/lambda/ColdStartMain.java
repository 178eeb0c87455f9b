package dev.eventfold.bench.lambda;

import dev.eventfold.spi.wire.Attributes;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.eventfold.lambda.EnvStreamFanOutHandler;
import dev.eventfold.lambda.SqsListenerHandler;
import dev.eventfold.listener.EventListener;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM of the cold-start benchmark: builds a handler as Lambda would, handles one event and
 * prints the milliseconds since its JVM started, when the handler was built ({@code INIT}: Lambda's
 * init phase, class loading and the logging provider's start included) and when the event was
 * handled ({@code COLD}: the first invocation too). Mode {@code sqs}: the listener handler; mode
 * {@code stream}: the prebuilt fan-out configured from the environment (SDK clients included). It
 * uses only classes the prebuilt jar holds, so it also runs on the class path of that jar alone.
 */
public final class ColdStartMain {
    private ColdStartMain() {
    }

    public static void main(String[] args) {
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        String body = "{\"pk\":\"AGG#wallet#w1\",\"sk\":\"EVT#000000001\",\"itemType\":\"event\",\"aggregateType\":\"wallet\","
                + "\"aggregateId\":\"w1\",\"version\":1,\"eventId\":\"evt-1\",\"eventType\":\"Wallet.Funded\",\"source\":\"billing\","
                + "\"occurredAt\":\"2026-11-27T16:05:59.123Z\",\"payload\":{\"amount\":10}}";
        if (args[0].equals("sqs")) {
            AtomicInteger handled = new AtomicInteger();
            SqsListenerHandler handler = new SqsListenerHandler(EventListener.builder()
                    .on("Wallet.Funded", e -> handled.incrementAndGet()).build());
            System.out.println("INIT " + (System.currentTimeMillis() - start));
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m-1");
            m.setBody(body);
            m.setAttributes(Map.of("MessageGroupId", "w1"));
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(m));
            handler.handleRequest(event, null);
            if (handled.get() != 1) {
                throw new IllegalStateException("not handled");
            }
        } else {
            EnvStreamFanOutHandler handler = new EnvStreamFanOutHandler();
            System.out.println("INIT " + (System.currentTimeMillis() - start));
            DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
            r.setEventName("INSERT");
            StreamRecord change = new StreamRecord();
            change.setSequenceNumber("1");
            change.setNewImage(Map.of(Attributes.PK, new AttributeValue().withS("AGG#wallet#w1"), Attributes.SK, new AttributeValue().withS("EVT#000000001"),
                    Attributes.ITEM_TYPE, new AttributeValue().withS(Attributes.ITEM_TYPE_EVENT), "aggregateType", new AttributeValue().withS("wallet"),
                    "aggregateId", new AttributeValue().withS("w1"), "version", new AttributeValue().withN("1"),
                    "eventId", new AttributeValue().withS("evt-1"), "eventType", new AttributeValue().withS("Wallet.Funded"),
                    "payload", new AttributeValue().withM(Map.of("amount", new AttributeValue().withN("10")))));
            r.setDynamodb(change);
            DynamodbEvent event = new DynamodbEvent();
            event.setRecords(List.of(r));
            if (!handler.handleRequest(event, null).getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("not delivered");
            }
        }
        System.out.println("COLD " + (System.currentTimeMillis() - start));
    }
}
