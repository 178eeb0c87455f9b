package dev.eventfold.fanout;

import dev.eventfold.internal.Utf8;
import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.internal.Checks;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.fanout.internal.EventSources;
import dev.eventfold.fanout.internal.FifoIds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.Sleeper;
import dev.eventfold.internal.concurrent.LazyExecutor;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.core.json.EventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the events of a batch of stream records to every configured queue and the optional bus
 * (the reference's {@code createStreamHandler}, WIRE.md section 6); knows nothing of AWS.
 *
 * <ul>
 *   <li>Keeps INSERTs whose image has {@code itemType == "event"}; the message is the image as JSON.</li>
 *   <li>Batches of at most 10 entries and at most the request quota in bytes, as each service
 *       counts them (SQS: the bodies; EventBridge: 14 bytes plus Source, DetailType and Detail).</li>
 *   <li>FIFO queues (URL ending in {@code .fifo}) get MessageGroupId = aggregateId and
 *       MessageDeduplicationId = eventId, mapped by {@link FifoIds} when SQS would refuse them;
 *       standard queues neither.</li>
 *   <li>Entries reported failed are retried alone with exponential backoff while retryable.</li>
 *   <li>On a FIFO queue a request holds at most one entry per message group: groups interleave
 *       across requests, a group's entries go out one request after another in stream order, so a
 *       retried entry is never overtaken by a later entry of its group. A group whose entry could
 *       not be delivered stops there; other groups go on. The minimum number of requests is then
 *       the larger of ceil(events / 10) and the largest group's size.</li>
 *   <li>A standard queue or the bus stops at its first record it could not deliver.
 *       Destinations run concurrently; the outcome's first failed record is the earliest
 *       undelivered one over all destinations, so a retry from it (Lambda) re-sends nothing
 *       earlier.</li>
 * </ul>
 *
 * <pre>{@code
 * StreamFanOut fanOut = StreamFanOut.builder()
 *     .queues(List.of("https://sqs.../orders.fifo", "https://sqs.../audit"))
 *     .bus("domain-events")
 *     .queuePublisher(sqsPublisher)
 *     .busPublisher(eventBridgePublisher)
 *     .build();
 * FanOutOutcome outcome = fanOut.handle(records);
 * }</pre>
 */
public final class StreamFanOut implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamFanOut.class);

    /** Both SQS SendMessageBatch and EventBridge PutEvents take at most 10 entries. */
    public static final int MAX_ENTRIES = 10;
    /** The current quota of an SQS batch and of a PutEvents request: 1 MiB. */
    public static final int DEFAULT_REQUEST_BYTES = 1024 * 1024;
    /** The quota before AWS raised it: 256 KB. */
    public static final int LEGACY_REQUEST_BYTES = 256 * 1024;
    /** EventBridge counts 14 bytes for the entry's Time on top of its strings. */
    static final int EVENTBRIDGE_ENTRY_OVERHEAD = 14;

    private final List<String> queues;
    private final Optional<String> bus;
    private final Destinations destinations;
    private final Executor configuredExecutor;
    private final LazyExecutor ownExecutor = LazyExecutor.cached("eventfold-fanout");

    private StreamFanOut(Builder b) {
        this.queues = List.copyOf(b.queues);
        this.bus = b.bus;
        this.destinations = new Destinations(b.queuePublisher, b.busPublisher, b.queueRequestBytes, b.busRequestBytes,
                new Delivery(new RetryLoop(b.maxAttempts, Delivery.doubling(b.initialBackoff, b.maxBackoff), b.sleeper)));
        this.configuredExecutor = b.executor;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> queues() {
        return queues;
    }

    public Optional<String> bus() {
        return bus;
    }

    public FanOutOutcome handle(List<StreamRecord> records) {
        Objects.requireNonNull(records, "records");
        List<Candidate> candidates = new ArrayList<>();
        List<DeliveryFailure> failures = new ArrayList<>();
        int firstFailed = Integer.MAX_VALUE;
        for (int i = 0; i < records.size(); i++) {
            StreamRecord r = records.get(i);
            Optional<ObjectNode> image = r.newImage();
            if (!StreamRecord.INSERT.equals(r.eventName()) || image.isEmpty()
                    || !EventItems.isEvent(image.get())) {
                continue; // head updates (MODIFY, or INSERT without itemType) and removals are not events
            }
            ObjectNode item = image.get();
            String eventId = text(item, "eventId");
            String eventType = text(item, "eventType");
            String aggregateId = text(item, "aggregateId");
            String aggregateType = text(item, "aggregateType");
            if (isBlank(eventId) || isBlank(eventType) || isBlank(aggregateId) || isBlank(aggregateType)) {
                log.error("stream record {} is an event item without eventId, eventType or aggregate: not sent",
                        r.sequenceNumber());
                failures.add(new DeliveryFailure(r.sequenceNumber(), eventId, "*",
                        DeliveryFailure.Reason.MALFORMED_EVENT, "eventId, eventType, aggregateType and aggregateId are required"));
                firstFailed = Math.min(firstFailed, candidates.size());
                candidates.add(new Candidate(candidates.size(), r.sequenceNumber(), eventId, null, null, null, null));
                continue;
            }
            String source = text(item, "source");
            candidates.add(new Candidate(candidates.size(), r.sequenceNumber(), eventId, eventType, aggregateId,
                    isBlank(source) ? EventSources.fallback(aggregateType) : source, EventJson.write(item)));
        }
        int events = candidates.size();
        // A malformed event stops every destination there, as any other failure would.
        List<Candidate> sendable = candidates.subList(0, Math.min(firstFailed, candidates.size()));

        List<CompletableFuture<DestinationResult>> running = new ArrayList<>();
        List<java.util.function.Supplier<DestinationResult>> tasks = new ArrayList<>();
        for (String queue : queues) {
            tasks.add(() -> destinations.sendToQueue(queue, sendable));
        }
        bus.ifPresent(name -> tasks.add(() -> destinations.sendToBus(name, sendable)));
        Map<String, Integer> requests = new LinkedHashMap<>();
        if (!sendable.isEmpty() && !tasks.isEmpty()) {
            for (int t = 1; t < tasks.size(); t++) {
                running.add(CompletableFuture.supplyAsync(tasks.get(t), executor()));
            }
            List<DestinationResult> results = new ArrayList<>();
            results.add(tasks.get(0).get()); // the calling thread takes the first destination
            running.forEach(f -> results.add(f.join()));
            for (DestinationResult d : results) {
                requests.put(d.destination(), d.requests());
                failures.addAll(d.failures());
                firstFailed = Math.min(firstFailed, d.firstFailedPosition());
            }
        }
        Optional<String> firstFailedSequence = firstFailed == Integer.MAX_VALUE ? Optional.empty()
                : Optional.of(candidates.get(firstFailed).sequenceNumber());
        return new FanOutOutcome(firstFailedSequence, failures, events, requests);
    }

    private Executor executor() {
        return configuredExecutor != null ? configuredExecutor : ownExecutor.get();
    }

    /** Stops the fan-out's own threads, if it started any (a later batch starts new ones). */
    @Override
    public void close() {
        ownExecutor.close();
    }

    private static String text(JsonNode item, String name) {
        JsonNode v = item.get(name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * Configures a {@link StreamFanOut}. Defaults: no queues, no bus, a 1 MiB request quota for
     * both services, 5 attempts per entry with backoff from 100 ms doubling up to 2 s, the fan-out's
     * own daemon threads. A publisher is required for each kind of destination configured.
     */
    public static final class Builder {
        private List<String> queues = List.of();
        private Optional<String> bus = Optional.empty();
        private QueuePublisher queuePublisher;
        private BusPublisher busPublisher;
        private int queueRequestBytes = DEFAULT_REQUEST_BYTES;
        private int busRequestBytes = DEFAULT_REQUEST_BYTES;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Executor executor;

        private Builder() {
        }

        public Builder queues(List<String> urls) {
            this.queues = List.copyOf(Checks.notNull(urls, "urls"));
            return this;
        }

        public Builder bus(String busName) {
            this.bus = Optional.of(Checks.notNull(busName, "busName"));
            return this;
        }

        public Builder bus(Optional<String> busName) {
            this.bus = Checks.notNull(busName, "busName");
            return this;
        }

        public Builder queuePublisher(QueuePublisher value) {
            this.queuePublisher = Checks.notNull(value, "queuePublisher");
            return this;
        }

        public Builder busPublisher(BusPublisher value) {
            this.busPublisher = Checks.notNull(value, "busPublisher");
            return this;
        }

        /** The byte quota of one request, for both SQS and EventBridge. */
        public Builder requestBytes(int bytes) {
            return queueRequestBytes(bytes).busRequestBytes(bytes);
        }

        public Builder queueRequestBytes(int bytes) {
            this.queueRequestBytes = bytes;
            return this;
        }

        public Builder busRequestBytes(int bytes) {
            this.busRequestBytes = bytes;
            return this;
        }

        /** Attempts per entry, the first included. */
        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /**
         * The wait before retry n of an entry: {@code initial * 2^(n-1)}, whole milliseconds, at most
         * {@code max}. Default: from 100 ms up to 2 s. Zero for no wait.
         */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = Checks.notNull(initial, "initial");
            this.maxBackoff = Checks.notNull(max, "max");
            return this;
        }

        /** How the fan-out waits between attempts; tests pass one that records instead of sleeping. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Checks.notNull(value, "sleeper");
            return this;
        }

        /** Runs destinations other than the first on this executor instead of the fan-out's own threads. */
        public Builder executor(Executor value) {
            this.executor = Checks.notNull(value, "executor");
            return this;
        }

        public StreamFanOut build() {
            for (String q : queues) {
                if (q == null || q.isBlank()) {
                    throw new InvalidInputException("queues", "queue URLs must not be blank");
                }
            }
            if (queues.stream().distinct().count() != queues.size()) {
                throw new InvalidInputException("queues", "a queue URL is listed twice");
            }
            if (!queues.isEmpty() && queuePublisher == null) {
                throw new InvalidInputException("queuePublisher", "queues are configured but no queuePublisher");
            }
            if (bus.isPresent() && bus.get().isBlank()) {
                throw new InvalidInputException("bus", "a bus needs a non-blank name");
            }
            if (bus.isPresent() && busPublisher == null) {
                throw new InvalidInputException("busPublisher", "a bus is configured but no busPublisher");
            }
            if (queueRequestBytes < 1) {
                throw new InvalidInputException("queueRequestBytes", "must be positive, was " + queueRequestBytes);
            }
            if (busRequestBytes < 1) {
                throw new InvalidInputException("busRequestBytes", "must be positive, was " + busRequestBytes);
            }
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", "must be at least 1, was " + maxAttempts);
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new InvalidInputException("backoff", "must satisfy 0 <= initial <= max, was " + initialBackoff
                        + " and " + maxBackoff);
            }
            return new StreamFanOut(this);
        }
    }
}
