package dev.eventfold.listener;

import java.util.List;
import java.util.Objects;

/**
 * The result of handling one queue batch, one {@link RecordResult} per message in batch order.
 * The Lambda adapter turns {@link #failedMessageIds()} into {@code batchItemFailures}; the local
 * runner deletes every other message.
 */
public record BatchOutcome(List<RecordResult> results) {

    public BatchOutcome {
        results = List.copyOf(Objects.requireNonNull(results, "results"));
    }

    public List<RecordResult> failures() {
        return results.stream().filter(RecordResult::isFailure).toList();
    }

    /** The ids to report back as failed, in batch order. */
    public List<String> failedMessageIds() {
        return failures().stream().map(RecordResult::messageId).toList();
    }

    public boolean allSucceeded() {
        return results.stream().noneMatch(RecordResult::isFailure);
    }

    public long count(RecordResult.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }
}
