package dev.eventfold.aws;

import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.EventMeta;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.fanout.EntryFailure;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.QueuePublisher;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class FanOutReplaySinkTest {
    static final String FIFO = "https://sqs.local/000000000000/projections.fifo";

    static EventRecord event(String walletId, long version) {
        return EventRecord.builder().aggregate("wallet", walletId).version(version).eventId("evt-" + walletId + "-" + version)
                .eventType("Wallet.Funded").source("billing").payload(EventJson.toPayload(Map.of("amount", version * 100)))
                .meta(EventMeta.NONE.withReplay(true)).build();
    }

    static List<EventRecord> events(String walletId, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(v -> event(walletId, v)).toList();
    }

    /** Records what it is asked to send; fails the entries whose body mentions a given eventId. */
    static final class RecordingPublisher implements QueuePublisher {
        final List<QueueEntry> sent = new CopyOnWriteArrayList<>();
        final String failEventId;
        final boolean retryable;

        RecordingPublisher(String failEventId, boolean retryable) {
            this.failEventId = failEventId;
            this.retryable = retryable;
        }

        @Override
        public List<EntryFailure> send(String queueUrl, List<QueueEntry> entries) {
            List<EntryFailure> failures = new ArrayList<>();
            for (QueueEntry e : entries) {
                if (failEventId != null && e.body().contains("\"" + failEventId + "\"")) {
                    failures.add(new EntryFailure(e.id(), "InvalidParameterValue", "refused", retryable));
                } else {
                    sent.add(e);
                }
            }
            return failures;
        }
    }

    static StreamFanOut fanOut(QueuePublisher publisher) {
        return StreamFanOut.builder().queues(List.of(FIFO)).queuePublisher(publisher)
                .backoff(Duration.ZERO, Duration.ZERO).executor(Runnable::run).build();
    }

    @Nested
    class Publishing {
        @Test
        void every_event_goes_out_as_its_message_body_with_meta_replay_and_fifo_ids() {
            RecordingPublisher publisher = new RecordingPublisher(null, false);
            ReplaySink.Result result = new FanOutReplaySink(fanOut(publisher)).publish(events("w1", 3));

            assertThat(result.ok()).isTrue();
            assertThat(publisher.sent).hasSize(3);
            for (int i = 0; i < 3; i++) {
                QueueEntry e = publisher.sent.get(i);
                JsonNode body = EventJson.parse(e.body());
                assertThat(EventJson.equivalent(body, EventItems.toMessageJson(event("w1", i + 1)))).isTrue();
                assertThat(body.path("meta").path("replay").asBoolean()).isTrue();
                assertThat(e.messageGroupId()).contains("w1");
                assertThat(e.messageDeduplicationId()).contains("evt-w1-" + (i + 1));
            }
        }

        @Test
        void an_empty_batch_sends_nothing() {
            RecordingPublisher publisher = new RecordingPublisher(null, false);
            assertThat(new FanOutReplaySink(fanOut(publisher)).publish(List.of()).ok()).isTrue();
            assertThat(publisher.sent).isEmpty();
        }
    }

    @Nested
    class Failures {
        @Test
        void a_refused_event_fails_with_the_service_code_and_every_later_event_of_the_batch_fails_as_not_sent() {
            RecordingPublisher publisher = new RecordingPublisher("evt-w1-2", false);
            ReplaySink.Result result = new FanOutReplaySink(fanOut(publisher)).publish(events("w1", 4));

            assertThat(result.failures()).extracting(ReplaySink.Failure::eventId)
                    .containsExactly("evt-w1-2", "evt-w1-3", "evt-w1-4");
            assertThat(result.failures().get(0).reason()).contains("REJECTED", FIFO, "InvalidParameterValue");
            assertThat(result.failures().get(1).reason()).isEqualTo(FanOutReplaySink.NOT_SENT);
            assertThat(publisher.sent.get(0).messageDeduplicationId()).contains("evt-w1-1");
        }

        @Test
        void a_retryable_refusal_is_retried_by_the_fan_out_before_it_counts() {
            List<String> attempts = new CopyOnWriteArrayList<>();
            QueuePublisher flaky = (url, entries) -> {
                attempts.add(entries.get(0).id());
                return attempts.size() == 1
                        ? List.of(new EntryFailure(entries.get(0).id(), "InternalError", "try again", true))
                        : List.of();
            };
            assertThat(new FanOutReplaySink(fanOut(flaky)).publish(events("w1", 1)).ok()).isTrue();
            assertThat(attempts).hasSize(2);
        }
    }

    @Nested
    class ReplayDeduplication {
        @Test
        void fifo_entries_get_a_deduplication_id_of_the_replay_and_standard_entries_pass_unchanged() {
            List<QueueEntry> seen = new ArrayList<>();
            QueuePublisher publisher = FanOutReplaySink.replayDeduplication((url, entries) -> {
                seen.addAll(entries);
                return List.of();
            }, "fix-1");
            QueueEntry fifo = new QueueEntry("e-0", "{}", Optional.of("w1"), Optional.of("evt-1"));
            QueueEntry standard = new QueueEntry("e-1", "{}", Optional.empty(), Optional.empty());
            publisher.send(FIFO, List.of(fifo, standard));

            String id = seen.get(0).messageDeduplicationId().orElseThrow();
            assertThat(id).startsWith("r-").hasSize(66).isNotEqualTo("evt-1")
                    .isEqualTo(FanOutReplaySink.replayDeduplicationId("fix-1", "evt-1"))
                    .isNotEqualTo(FanOutReplaySink.replayDeduplicationId("fix-2", "evt-1"));
            assertThat(seen.get(0).messageGroupId()).contains("w1");
            assertThat(seen.get(1)).isEqualTo(standard);
        }
    }

    @Nested
    @ExtendWith(AwsExtension.class)
    class OnSqs {
        @Test
        void an_event_replayed_right_after_its_delivery_still_reaches_the_fifo_queue(AwsTestEnvironment aws) {
            SqsClient sqs = aws.sqs();
            String url = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("replay") + ".fifo")
                    .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
            SqsQueuePublisher publisher = new SqsQueuePublisher(sqs);
            EventRecord original = event("w1", 1).withMeta(EventMeta.NONE);
            // The first delivery, as the stream fan-out makes it: deduplication id = eventId.
            StreamFanOut live = StreamFanOut.builder().queues(List.of(url)).queuePublisher(publisher).build();
            assertThat(new FanOutReplaySink(live).publish(List.of(original)).ok()).isTrue();

            StreamFanOut replay = StreamFanOut.builder().queues(List.of(url))
                    .queuePublisher(FanOutReplaySink.replayDeduplication(publisher, "fix-1")).build();
            assertThat(new FanOutReplaySink(replay).publish(List.of(event("w1", 1))).ok()).isTrue();

            List<Message> received = new ArrayList<>();
            for (int i = 0; i < 5 && received.size() < 2; i++) {
                List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
                received.addAll(batch);
                batch.forEach(m -> sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle())));
            }
            assertThat(received).hasSize(2);
            assertThat(EventJson.parse(received.get(0).body()).has("meta")).isFalse();
            assertThat(EventJson.parse(received.get(1).body()).path("meta").path("replay").asBoolean()).isTrue();
        }
    }
}
