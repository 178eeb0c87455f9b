package dev.eventfold.lambda;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.lambda.internal.LambdaClients;
import dev.eventfold.lambda.internal.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.aws.EventBridgePublisher;
import dev.eventfold.aws.SqsQueuePublisher;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.fanout.StreamFanOut;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The prebuilt stream fan-out, usable directly as a function's {@code Handler}
 * ({@code dev.eventfold.lambda.EnvStreamFanOutHandler::handleRequest}), configured from the
 * environment as the reference's: {@code QUEUE_URL_LIST}, a JSON array of queue URLs (default
 * {@code []}), and {@code EVENT_BUS_NAME} (optional).
 *
 * <ul>
 *   <li>When the handler is constructed (the function's init): the configuration is read and
 *       checked; a value that is not a JSON array of URLs, or a URL listed twice, fails the init
 *       with an {@link InvalidInputException} naming {@code QUEUE_URL_LIST}. Nothing else happens:
 *       no SDK client is built, no request is sent, so the init stays short.</li>
 *   <li>When the fan-out is first needed: the first invocation, or SnapStart's
 *       {@code beforeCheckpoint} when the function uses SnapStart. The SDK clients are built and
 *       the bus is checked to exist (DescribeEventBus), because PutEvents to a missing bus reports
 *       success. A missing bus fails that invocation with {@code MissingDestinationException},
 *       and every later one until the bus exists (the check is repeated while it fails). During
 *       priming a failure is logged and does not stop the snapshot; the check then runs again on
 *       the first invocation.</li>
 * </ul>
 *
 * <pre>{@code
 * Handler: dev.eventfold.lambda.EnvStreamFanOutHandler::handleRequest
 * QUEUE_URL_LIST=["https://sqs.eu-west-1.amazonaws.com/123456789012/projections.fifo"]
 * EVENT_BUS_NAME=domain-events
 * }</pre>
 */
public final class EnvStreamFanOutHandler extends StreamFanOutHandler {
    public static final String QUEUE_URL_LIST = "QUEUE_URL_LIST";
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";

    private final Config config;
    @SuppressWarnings("unused") // CRaC holds resources weakly: this field keeps the hook alive
    private final SnapStartPriming priming;

    /** The destinations read from the environment; a queue URL listed twice is refused. */
    public record Config(List<String> queueUrls, Optional<String> busName) {
        public Config {
            queueUrls = List.copyOf(queueUrls);
            Objects.requireNonNull(busName, "busName");
            if (new HashSet<>(queueUrls).size() != queueUrls.size()) {
                throw new InvalidInputException(QUEUE_URL_LIST, "a queue URL is listed twice");
            }
        }

        public static Config from(Map<String, String> env) {
            String list = env.getOrDefault(QUEUE_URL_LIST, "");
            List<String> urls = new ArrayList<>();
            if (!list.isBlank()) {
                JsonNode node;
                try {
                    node = EventJson.parse(list);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(QUEUE_URL_LIST, "not a JSON array of queue URLs");
                }
                if (!node.isArray()) {
                    throw new InvalidInputException(QUEUE_URL_LIST, "not a JSON array of queue URLs");
                }
                for (JsonNode u : node) {
                    if (!u.isTextual() || u.asText().isBlank()) {
                        throw new InvalidInputException(QUEUE_URL_LIST, "every entry must be a queue URL");
                    }
                    urls.add(u.asText());
                }
            }
            String bus = env.get(EVENT_BUS_NAME);
            return new Config(urls, bus == null || bus.isBlank() ? Optional.empty() : Optional.of(bus));
        }
    }

    public EnvStreamFanOutHandler() {
        this(Config.from(System.getenv()));
    }

    public EnvStreamFanOutHandler(Config config) {
        super(() -> build(config));
        this.config = config;
        this.priming = SnapStartPriming.register(this::prime);
    }

    public Config config() {
        return config;
    }

    private static StreamFanOut build(Config config) {
        StreamFanOut.Builder b = StreamFanOut.builder().queues(config.queueUrls());
        if (!config.queueUrls().isEmpty()) {
            b.queuePublisher(new SqsQueuePublisher(LambdaClients.sqs()));
        }
        config.busName().ifPresent(bus -> {
            EventBridgePublisher publisher = new EventBridgePublisher(LambdaClients.eventBridge());
            publisher.requireBus(bus); // PutEvents to a missing bus reports success: fail loudly instead
            b.bus(bus).busPublisher(publisher);
        });
        return b.build();
    }

    /**
     * Builds the clients (and checks the bus), then runs image conversion and the fan-out's
     * batching on a priming record against publishers that send nothing.
     */
    void prime() {
        fanOut();
        DynamodbEvent event = new DynamodbEvent();
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("INSERT");
        StreamRecord change = new StreamRecord();
        change.setSequenceNumber("0");
        change.setNewImage(Map.of(Attributes.ITEM_TYPE, new AttributeValue().withS(Attributes.ITEM_TYPE_EVENT), "eventId", new AttributeValue().withS("evt-priming"),
                "eventType", new AttributeValue().withS("eventfold.Priming"), "aggregateType", new AttributeValue().withS("eventfold"),
                "aggregateId", new AttributeValue().withS("priming"), "version", new AttributeValue().withN("1"),
                "payload", new AttributeValue().withM(Map.of("n", new AttributeValue().withN("1.5")))));
        record.setDynamodb(change);
        event.setRecords(List.of(record));
        try (StreamFanOut dry = StreamFanOut.builder().queues(List.of("priming.fifo", "priming")).bus("priming")
                .queuePublisher((url, entries) -> List.of()).busPublisher((bus, entries) -> List.of())
                .executor(Runnable::run).build()) {
            toResponse(dry.handle(toRecords(event)));
        }
    }
}
