package dev.eventfold.lambda;

import dev.eventfold.lambda.internal.LambdaClients;
import dev.eventfold.lambda.internal.LambdaImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.fanout.BusEntry;
import dev.eventfold.fanout.EntryFailure;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.listener.EventListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LambdaHandlersTest {

    @Nested
    class SqsListener {
        @Test
        void the_fixture_batch_reports_the_bad_body_and_the_rest_of_its_group_as_failures() {
            List<EventRecord> seen = new CopyOnWriteArrayList<>();
            List<EventContext> contexts = new CopyOnWriteArrayList<>();
            SqsListenerHandler handler = new SqsListenerHandler(EventListener.builder().on("Wallet.Withdrawn", e -> {
                seen.add(e);
                contexts.add(EventContext.current());
            }).build());
            SQSBatchResponse response = handler.handleRequest(Fixtures.sqsEvent("sqs-event.json"), null);
            assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly("m-2", "m-3");
            assertThat(seen).extracting(EventRecord::version).containsExactly(2L, 3L);
            assertThat(seen.get(0).payload()).isEqualTo(Fixtures.json("event-message.json").get("payload"));
            assertThat(contexts.get(0)).isEqualTo(new EventContext("corr-123", "evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2",
                    "user-456", "ten_9"));
        }

        @Test
        void priming_runs_the_path_without_user_code() {
            List<String> ran = new CopyOnWriteArrayList<>();
            SqsListenerHandler handler = new SqsListenerHandler(EventListener.builder().on("Wallet.Funded", e -> ran.add("x"))
                    .build());
            handler.prime();
            assertThat(ran).isEmpty();
        }
    }

    @Nested
    class StreamFanOutLambda {
        final List<QueueEntry> sent = new CopyOnWriteArrayList<>();
        final List<BusEntry> put = new CopyOnWriteArrayList<>();

        StreamFanOutHandler handler(boolean failBus) {
            return new StreamFanOutHandler(() -> StreamFanOut.builder()
                    .queues(List.of("https://sqs.us-east-1.amazonaws.com/1/p.fifo", "https://sqs.us-east-1.amazonaws.com/1/n"))
                    .bus("domain-events")
                    .queuePublisher((url, entries) -> {
                        sent.addAll(entries);
                        return List.of();
                    })
                    .busPublisher((bus, entries) -> {
                        put.addAll(entries);
                        return failBus ? entries.stream().map(e -> new EntryFailure(e.id(), "AccessDenied", "no", false)).toList()
                                : List.of();
                    }).build());
        }

        @Test
        void the_reference_item_becomes_the_reference_message_on_every_destination() {
            StreamsEventResponse response = handler(false).handleRequest(Fixtures.dynamodbEvent("dynamodb-event.json"), null);
            JsonNode message = Fixtures.json("event-message.json");
            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(sent).hasSize(2).allSatisfy(e -> assertThat(EventJson.parse(e.body())).isEqualTo(message));
            assertThat(sent.get(0).id()).isEqualTo("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2-0");
            assertThat(sent).extracting(QueueEntry::messageGroupId).containsExactlyInAnyOrder(Optional.of("wal_123"), Optional.empty());
            assertThat(put).singleElement().satisfies(e -> {
                assertThat(e.source()).isEqualTo("billing");
                assertThat(e.detailType()).isEqualTo("Wallet.Withdrawn");
                assertThat(EventJson.parse(e.detail())).isEqualTo(message);
            });
        }

        @Test
        void a_record_not_delivered_everywhere_is_the_batch_item_failure() {
            StreamsEventResponse response = handler(true).handleRequest(Fixtures.dynamodbEvent("dynamodb-event.json"), null);
            assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly("100");
        }

        @Test
        void the_fan_out_is_built_on_the_first_request_and_only_once() {
            AtomicInteger built = new AtomicInteger();
            StreamFanOutHandler h = new StreamFanOutHandler(() -> {
                built.incrementAndGet();
                return StreamFanOut.builder().build();
            });
            assertThat(built).hasValue(0);
            h.handleRequest(new DynamodbEvent(), null);
            h.handleRequest(Fixtures.dynamodbEvent("dynamodb-event.json"), null);
            assertThat(built).hasValue(1);
        }
    }

    @Nested
    class Images {
        @Test
        void numbers_stay_exact_and_sets_and_binary_are_read() {
            Map<String, AttributeValue> image = Map.of(
                    "big", new AttributeValue().withN("12345678901234567890123456789012345678"),
                    "dec", new AttributeValue().withN("0.1000000000000000000000000000000000001"),
                    "ss", new AttributeValue().withSS("a", "b"),
                    "ns", new AttributeValue().withNS("1", "2.5"),
                    "b", new AttributeValue().withB(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8))));
            JsonNode json = LambdaImages.toJson(image);
            assertThat(json.get("big").bigIntegerValue().toString()).isEqualTo("12345678901234567890123456789012345678");
            assertThat(json.get("dec").decimalValue().toPlainString()).isEqualTo("0.1000000000000000000000000000000000001");
            assertThat(EventJson.write(json.get("ss"))).isEqualTo("[\"a\",\"b\"]");
            assertThat(EventJson.write(json.get("ns"))).isEqualTo("[1,2.5]");
            assertThat(json.get("b").asText()).isEqualTo("aGk=");
        }

        @Test
        void the_reference_ddb_item_reads_as_the_reference_message() {
            assertThat(LambdaImages.toJson(Fixtures.image(Fixtures.json("event-item.ddb.json"))))
                    .isEqualTo(Fixtures.json("event-message.json"));
        }
    }

    @Nested
    class Environment {
        @Test
        void queue_list_defaults_to_none_and_the_bus_is_optional() {
            EnvStreamFanOutHandler.Config c = EnvStreamFanOutHandler.Config.from(Map.of());
            assertThat(c.queueUrls()).isEmpty();
            assertThat(c.busName()).isEmpty();
            EnvStreamFanOutHandler.Config d = EnvStreamFanOutHandler.Config.from(Map.of(
                    "QUEUE_URL_LIST", "[\"https://q/a.fifo\",\"https://q/b\"]", "EVENT_BUS_NAME", "domain-events"));
            assertThat(d.queueUrls()).containsExactly("https://q/a.fifo", "https://q/b");
            assertThat(d.busName()).contains("domain-events");
        }

        @Test
        void a_queue_list_that_is_not_a_json_array_of_urls_is_refused() {
            assertThatThrownBy(() -> EnvStreamFanOutHandler.Config.from(Map.of("QUEUE_URL_LIST", "https://q/a")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("QUEUE_URL_LIST");
            assertThatThrownBy(() -> EnvStreamFanOutHandler.Config.from(Map.of("QUEUE_URL_LIST", "[1]")))
                    .isInstanceOf(InvalidInputException.class);
        }

        @Test
        void a_queue_listed_twice_fails_when_the_handler_is_built() {
            Map<String, String> env = Map.of("QUEUE_URL_LIST", "[\"https://q/a.fifo\",\"https://q/b\",\"https://q/a.fifo\"]");
            assertThatThrownBy(() -> new EnvStreamFanOutHandler(EnvStreamFanOutHandler.Config.from(env)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("QUEUE_URL_LIST")
                    .hasMessageContaining("twice");
        }

        @Test
        void constructing_the_prebuilt_handler_builds_no_client_and_checks_no_bus() {
            int before = LambdaClients.built();
            EnvStreamFanOutHandler h = new EnvStreamFanOutHandler(EnvStreamFanOutHandler.Config.from(Map.of(
                    "QUEUE_URL_LIST", "[\"https://sqs.us-east-1.amazonaws.com/1/a.fifo\"]",
                    "EVENT_BUS_NAME", "domain-events")));
            assertThat(h.config().busName()).contains("domain-events");
            // The bus check needs an EventBridge client: none was built, so no request was sent.
            assertThat(LambdaClients.built()).isEqualTo(before);
        }

        @Test
        void the_prebuilt_handler_builds_its_clients_on_the_first_request_only() {
            String previous = System.getProperty("aws.region");
            System.setProperty("aws.region", "us-east-1"); // the SDK's region setting; AWS_REGION is not set here
            try {
                EnvStreamFanOutHandler h = new EnvStreamFanOutHandler(EnvStreamFanOutHandler.Config.from(Map.of(
                        "QUEUE_URL_LIST", "[\"https://sqs.us-east-1.amazonaws.com/1/a.fifo\"]")));
                int before = LambdaClients.built();
                DynamodbEvent nothingToSend = new DynamodbEvent();
                nothingToSend.setRecords(List.of());
                assertThat(h.handleRequest(nothingToSend, null).getBatchItemFailures()).isEmpty();
                int afterFirst = LambdaClients.built();
                assertThat(afterFirst).isGreaterThan(before);
                h.handleRequest(nothingToSend, null);
                assertThat(LambdaClients.built()).isEqualTo(afterFirst);
            } finally {
                if (previous == null) {
                    System.clearProperty("aws.region");
                } else {
                    System.setProperty("aws.region", previous);
                }
            }
        }

        @Test
        void with_no_destinations_it_acknowledges_everything_without_clients() {
            EnvStreamFanOutHandler h = new EnvStreamFanOutHandler(EnvStreamFanOutHandler.Config.from(Map.of()));
            DynamodbEvent event = Fixtures.dynamodbEvent("dynamodb-event.json");
            assertThat(h.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        }
    }
}
