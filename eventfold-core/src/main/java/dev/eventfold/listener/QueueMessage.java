package dev.eventfold.listener;

import java.util.Objects;
import java.util.Optional;

/**
 * One message of a queue batch as the listener needs it, free of any AWS type: the Lambda
 * adapter and the local runner build it from {@code SQSEvent.SQSMessage} or a received
 * {@code Message}.
 *
 * @param messageId      the queue's id, reported back for failed records
 * @param body           the raw body; may be anything, the listener parses it
 * @param messageGroupId the FIFO message group, null on standard queues
 */
public record QueueMessage(String messageId, String body, String messageGroupId) {

    public QueueMessage {
        Objects.requireNonNull(messageId, "messageId");
        if (messageId.isBlank()) {
            throw new IllegalArgumentException("messageId must not be blank");
        }
        body = body == null ? "" : body;
        messageGroupId = messageGroupId == null || messageGroupId.isEmpty() ? null : messageGroupId;
    }

    public static QueueMessage standard(String messageId, String body) {
        return new QueueMessage(messageId, body, null);
    }

    public static QueueMessage fifo(String messageId, String body, String messageGroupId) {
        return new QueueMessage(messageId, body, Objects.requireNonNull(messageGroupId, "messageGroupId"));
    }

    public Optional<String> group() {
        return Optional.ofNullable(messageGroupId);
    }

    @Override
    public String toString() {
        // No body: messages end up in logs.
        return "QueueMessage[" + messageId + (messageGroupId == null ? "" : " group " + messageGroupId) + "]";
    }
}
