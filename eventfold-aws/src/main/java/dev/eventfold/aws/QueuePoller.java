package dev.eventfold.aws;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.listener.BatchOutcome;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.listener.RecordResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Reads a queue as a Lambda SQS event source mapping does and feeds an {@link EventListener}:
 * ReceiveMessage (up to 10, long poll), then DeleteMessageBatch for what succeeded only. Failed
 * messages stay and reappear after the queue's visibility timeout; a queue with a RedrivePolicy
 * moves them to its DLQ after maxReceiveCount receives.
 *
 * <pre>{@code
 * QueuePoller poller = new QueuePoller(sqs, queueUrl, listener, 20);
 * while (running) poller.pollOnce();
 * }</pre>
 */
public final class QueuePoller {
    private static final Logger log = LoggerFactory.getLogger(QueuePoller.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final EventListener listener;
    private final int waitTimeSeconds;

    /** @param waitTimeSeconds long-poll wait, 0 to 20 (keep it at most 1 against a single-threaded emulator) */
    public QueuePoller(SqsClient sqs, String queueUrl, EventListener listener, int waitTimeSeconds) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (waitTimeSeconds < 0 || waitTimeSeconds > 20) {
            throw new InvalidInputException("waitTimeSeconds", "must be 0..20, was " + waitTimeSeconds);
        }
        this.waitTimeSeconds = waitTimeSeconds;
    }

    public String queueUrl() {
        return queueUrl;
    }

    /** Receives one batch, handles it and deletes what succeeded; returns the number received. */
    public int pollOnce() {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(waitTimeSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID,
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        List<QueueMessage> batch = new ArrayList<>(messages.size());
        for (Message m : messages) {
            batch.add(new QueueMessage(m.messageId(), m.body(),
                    m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
        }
        BatchOutcome outcome = listener.handle(batch);
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            RecordResult r = outcome.results().get(i);
            if (!r.isFailure()) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(messages.get(i).receiptHandle()).build());
            }
        }
        if (!deletes.isEmpty()) {
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes));
            // An undeleted message comes back after the visibility timeout: handled twice, never lost.
            response.failed().forEach(f -> log.warn("{}: delete of message {} failed: {} {}", queueUrl,
                    messages.get(Integer.parseInt(f.id())).messageId(), f.code(), f.message()));
        }
        if (!outcome.allSucceeded()) {
            log.info("{}: {} of {} messages failed and will be delivered again", queueUrl,
                    outcome.failures().size(), messages.size());
        }
        return messages.size();
    }
}
