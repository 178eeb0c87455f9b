package dev.eventfold.fanout;

import java.util.List;

/**
 * Sends one batch of at most 10 entries to a queue ({@code SendMessageBatch}). Returns the
 * entries that were not accepted; every entry neither accepted nor listed would be lost, so an
 * implementation reports it. Throws when the whole request failed.
 */
@FunctionalInterface
public interface QueuePublisher {
    List<EntryFailure> send(String queueUrl, List<QueueEntry> entries);
}
