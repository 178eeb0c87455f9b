package dev.eventfold.aws;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.core.EventRecord;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.fanout.DeliveryFailure;
import dev.eventfold.fanout.FanOutOutcome;
import dev.eventfold.fanout.internal.FifoIds;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.QueuePublisher;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.fanout.StreamRecord;
import dev.eventfold.replay.ReplaySink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ReplaySink} that republishes through a {@link StreamFanOut}, so a replay gets what the
 * stream fan-out already does: batches split by count and by size, FIFO group and deduplication
 * ids, safe entry ids, retries of failed entries, the bus as well as queues. Each event becomes an
 * {@code INSERT} whose image is {@link EventItems#toMessageJson} (the item plus {@code meta}), and
 * the fan-out sends that image as the body, so {@code meta.replay = true} travels.
 *
 * <pre>{@code
 * SqsQueuePublisher sqsPublisher = new SqsQueuePublisher(sqs);
 * StreamFanOut fanOut = StreamFanOut.builder()
 *     .queues(List.of(queueUrl))
 *     .queuePublisher(FanOutReplaySink.replayDeduplication(sqsPublisher, "fix-2026-11-27"))
 *     .build();
 * Replayer.builder(store).sink(new FanOutReplaySink(fanOut)).build().run(selector);
 * }</pre>
 *
 * <p>A FIFO queue drops a message whose deduplication id it has seen in the last five minutes, and
 * the fan-out's id is the eventId: an event replayed soon after it was delivered would vanish
 * without an error. Wrap the queue publisher in {@link #replayDeduplication} to give replayed
 * messages ids of their own.
 *
 * <p>Failures: every event from the first one the fan-out could not deliver everywhere on is
 * reported failed (the replayer resumes there; a later event another FIFO group or destination
 * did deliver is sent again, at least once); those the fan-out names carry its reason, the others
 * {@value #NOT_SENT}. Thread-safe when the fan-out is.
 */
public final class FanOutReplaySink implements ReplaySink {
    /** The reason of events after a failed one, which the fan-out did not attempt everywhere. */
    public static final String NOT_SENT = "NOT_SENT: an earlier event of the batch failed";

    private final StreamFanOut fanOut;
    private final AtomicLong sequence = new AtomicLong();

    public FanOutReplaySink(StreamFanOut fanOut) {
        this.fanOut = Objects.requireNonNull(fanOut, "fanOut");
    }

    @Override
    public Result publish(List<EventRecord> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return Result.OK;
        }
        List<StreamRecord> records = new ArrayList<>(events.size());
        Map<String, Integer> indexBySequence = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            // Sequence numbers only need to be unique within one fan-out call; they name records in failures.
            String seq = "replay-" + sequence.incrementAndGet();
            records.add(StreamRecord.insert(seq, EventItems.toMessageJson(events.get(i))));
            indexBySequence.put(seq, i);
        }
        FanOutOutcome outcome = fanOut.handle(records);
        if (outcome.allDelivered()) {
            return Result.OK;
        }
        int first = indexBySequence.getOrDefault(outcome.firstFailedSequenceNumber().get(), 0);
        Map<Integer, String> reasons = new LinkedHashMap<>();
        for (DeliveryFailure f : outcome.failures()) {
            Integer index = indexBySequence.get(f.sequenceNumber());
            if (index != null) {
                first = Math.min(first, index);
                reasons.merge(index, describe(f), (a, b) -> a + "; " + b);
            }
        }
        List<Failure> failures = new ArrayList<>();
        for (int i = first; i < events.size(); i++) {
            failures.add(new Failure(events.get(i).eventId(), reasons.getOrDefault(i, NOT_SENT)));
        }
        return new Result(failures);
    }

    private static String describe(DeliveryFailure f) {
        // The detail holds the service's code and message, never the body.
        return f.reason() + " " + f.destination() + (f.detail().isEmpty() ? "" : ": " + f.detail());
    }

    /**
     * A publisher that gives FIFO messages of the replay {@code replayId} deduplication ids of
     * their own: a hash of the replay id and the original id (the eventId). A replayed event is
     * then never mistaken for its first delivery, while the same replay sending an event twice
     * within five minutes (a resumed batch) is still deduplicated by the queue. Entries without a
     * deduplication id (standard queues) pass unchanged.
     */
    public static QueuePublisher replayDeduplication(QueuePublisher delegate, String replayId) {
        Objects.requireNonNull(delegate, "delegate");
        String id = Keys.requireNonBlank("replayId", replayId);
        return (queueUrl, entries) -> {
            List<QueueEntry> rewritten = new ArrayList<>(entries.size());
            for (QueueEntry e : entries) {
                rewritten.add(e.messageDeduplicationId().isEmpty() ? e : new QueueEntry(e.id(), e.body(),
                        e.messageGroupId(), Optional.of(replayDeduplicationId(id, e.messageDeduplicationId().get()))));
            }
            return delegate.send(queueUrl, rewritten);
        };
    }

    /** {@code r-} + 64 hex digits: within SQS's 128 characters whatever the eventId's length. */
    static String replayDeduplicationId(String replayId, String originalId) {
        return FifoIds.hashed("r-", replayId + "\n" + originalId);
    }
}
