package dev.eventfold.replay;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.util.List;

/**
 * Where a replay republishes events: an SQS queue or the EventBridge bus, through an adapter of
 * the fan-out's publishers. Events arrive with {@code meta.replay = true} already set, in
 * batches of at most the replayer's batch size; the sink sends the message bodies of
 * {@code EventItems.toMessageJson}. Called from one thread per segment: make it thread-safe when
 * the replayer runs segments in parallel.
 */
@FunctionalInterface
public interface ReplaySink {

    /** Publishes a batch; failures are returned per event, never thrown for part of a batch. */
    Result publish(List<EventRecord> events);

    /** One event the sink could not publish. {@code reason} is an error code or short text, no payload. */
    record Failure(String eventId, String reason) {
        public Failure {
            eventId = Keys.requireNonBlank("eventId", eventId);
            reason = reason == null ? "" : reason;
        }
    }

    /** The outcome of one batch. */
    record Result(List<Failure> failures) {
        public static final Result OK = new Result(List.of());

        public Result {
            if (failures == null) {
                throw new InvalidInputException("failures", "must not be null");
            }
            failures = List.copyOf(failures);
        }

        public boolean ok() {
            return failures.isEmpty();
        }
    }
}
