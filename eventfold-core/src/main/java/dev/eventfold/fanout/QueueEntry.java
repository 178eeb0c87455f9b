package dev.eventfold.fanout;

import dev.eventfold.fanout.internal.EntryIds;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of an SQS {@code SendMessageBatch}.
 *
 * @param id                     unique in its batch, {@code [A-Za-z0-9_-]{1,80}} (see {@link EntryIds})
 * @param body                   the event JSON
 * @param messageGroupId         FIFO queues only: the aggregateId
 * @param messageDeduplicationId FIFO queues only: the eventId
 */
public record QueueEntry(String id, String body, Optional<String> messageGroupId,
                         Optional<String> messageDeduplicationId) {
    public QueueEntry {
        EntryIds.requireValid(id);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(messageGroupId, "messageGroupId");
        Objects.requireNonNull(messageDeduplicationId, "messageDeduplicationId");
    }

    @Override
    public String toString() {
        return "QueueEntry[" + id + messageGroupId.map(g -> " group " + g).orElse("") + "]";
    }
}
