package dev.eventfold.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.json.DynamoItemSize;
import dev.eventfold.core.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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
 *       MessageDeduplicationId = eventId; standard queues neither.</li>
 *   <li>Entries reported failed are retried with exponential backoff while retryable. Each
 *       destination stops at its first record it could not deliver, so that a retry from that
 *       record keeps each aggregate's order on FIFO queues; destinations run concurrently.</li>
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
    private final QueuePublisher queuePublisher;
    private final BusPublisher busPublisher;
    private final int queueRequestBytes;
    private final int busRequestBytes;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;
    private final Executor configuredExecutor;
    private ExecutorService ownExecutor;

    private StreamFanOut(Builder b) {
        this.queues = List.copyOf(b.queues);
        this.bus = b.bus;
        this.queuePublisher = b.queuePublisher;
        this.busPublisher = b.busPublisher;
        this.queueRequestBytes = b.queueRequestBytes;
        this.busRequestBytes = b.busRequestBytes;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.sleeper = b.sleeper;
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

    /** Pauses between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** An event to send: where it is in the batch, its body and the fields the entries need. */
    private record Candidate(int position, String sequenceNumber, String eventId, String eventType,
                             String aggregateId, String source, String body) {
    }

    /** One entry bound for one destination, made once its id in a request is known, and its counted size. */
    private record Pending<E>(Candidate candidate, java.util.function.Function<String, E> entryWithId, long bytes) {
    }

    /** What one destination achieved: the position of its first undelivered candidate, if any. */
    private record DestinationResult(String destination, int firstFailedPosition, List<DeliveryFailure> failures,
                                     int requests) {
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
                    || !EventJson.ITEM_TYPE_EVENT.equals(text(image.get(), "itemType"))) {
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
            tasks.add(() -> sendToQueue(queue, sendable));
        }
        bus.ifPresent(name -> tasks.add(() -> sendToBus(name, sendable)));
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

    private DestinationResult sendToQueue(String queueUrl, List<Candidate> candidates) {
        boolean fifo = queueUrl.endsWith(".fifo");
        List<Pending<QueueEntry>> pending = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            Optional<String> group = fifo ? Optional.of(c.aggregateId()) : Optional.empty();
            Optional<String> dedup = fifo ? Optional.of(c.eventId()) : Optional.empty();
            // SQS counts the bodies (and message attributes, of which we send none) against the quota.
            pending.add(new Pending<>(c, id -> new QueueEntry(id, c.body(), group, dedup), DynamoItemSize.utf8(c.body())));
        }
        return sendAll("queue:" + queueUrl, pending, queueRequestBytes,
                entries -> queuePublisher.send(queueUrl, entries), QueueEntry::id);
    }

    private DestinationResult sendToBus(String busName, List<Candidate> candidates) {
        List<Pending<BusEntry>> pending = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            long bytes = EVENTBRIDGE_ENTRY_OVERHEAD + DynamoItemSize.utf8(c.source()) + DynamoItemSize.utf8(c.eventType())
                    + DynamoItemSize.utf8(c.body());
            pending.add(new Pending<>(c, id -> new BusEntry(id, c.source(), c.eventType(), c.body()), bytes));
        }
        return sendAll("bus:" + busName, pending, busRequestBytes,
                entries -> busPublisher.put(busName, entries), BusEntry::id);
    }

    private <E> DestinationResult sendAll(String destination, List<Pending<E>> pending, int quota,
                                          java.util.function.Function<List<E>, List<EntryFailure>> publish,
                                          java.util.function.Function<E, String> idOf) {
        int requests = 0;
        int pos = 0;
        while (pos < pending.size()) {
            Pending<E> first = pending.get(pos);
            if (first.bytes() > quota) {
                Candidate c = first.candidate();
                log.error("event {} (stream record {}) is {} bytes, over the {}-byte request quota of {}: not sent",
                        c.eventId(), c.sequenceNumber(), first.bytes(), quota, destination);
                return new DestinationResult(destination, c.position(), List.of(new DeliveryFailure(c.sequenceNumber(),
                        c.eventId(), destination, DeliveryFailure.Reason.TOO_LARGE,
                        first.bytes() + " bytes > quota " + quota)), requests);
            }
            // Fill one request by count and by size.
            List<Pending<E>> batch = new ArrayList<>(MAX_ENTRIES);
            long bytes = 0;
            while (pos < pending.size() && batch.size() < MAX_ENTRIES && bytes + pending.get(pos).bytes() <= quota) {
                bytes += pending.get(pos).bytes();
                batch.add(pending.get(pos++));
            }
            Map<String, Pending<E>> byId = new LinkedHashMap<>();
            List<E> entries = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Pending<E> p = batch.get(i);
                E entry = p.entryWithId().apply(EntryIds.of(p.candidate().eventId(), i));
                byId.put(idOf.apply(entry), p);
                entries.add(entry);
            }
            List<EntryFailure> lastFailures = List.of();
            DeliveryFailure.Reason reason = DeliveryFailure.Reason.REJECTED;
            for (int attempt = 1; attempt <= maxAttempts && !entries.isEmpty(); attempt++) {
                if (attempt > 1) {
                    pause(attempt - 1);
                }
                requests++;
                try {
                    lastFailures = publish.apply(entries);
                    reason = DeliveryFailure.Reason.REJECTED;
                } catch (RuntimeException e) {
                    // The request as a whole failed (the SDK already retried it): every entry is undelivered.
                    log.warn("request to {} failed (attempt {} of {}): {}", destination, attempt, maxAttempts,
                            e.toString());
                    lastFailures = entries.stream().map(en -> new EntryFailure(idOf.apply(en),
                            e.getClass().getSimpleName(), e.getMessage(), true)).toList();
                    reason = DeliveryFailure.Reason.REQUEST_FAILED;
                }
                Map<String, EntryFailure> failedById = new HashMap<>();
                for (EntryFailure f : lastFailures) {
                    failedById.put(f.id(), f);
                }
                entries = entries.stream().filter(en -> failedById.containsKey(idOf.apply(en))).toList();
                if (lastFailures.stream().anyMatch(f -> !f.retryable())) {
                    break;
                }
                if (!entries.isEmpty() && attempt < maxAttempts) {
                    log.info("{} of {} entries to {} failed, retrying", entries.size(), batch.size(), destination);
                }
            }
            if (!entries.isEmpty()) {
                List<DeliveryFailure> failed = new ArrayList<>();
                int firstPosition = Integer.MAX_VALUE;
                Map<String, EntryFailure> failedById = new HashMap<>();
                lastFailures.forEach(f -> failedById.put(f.id(), f));
                for (E en : entries) {
                    Pending<E> p = byId.get(idOf.apply(en));
                    EntryFailure f = failedById.get(idOf.apply(en));
                    Candidate c = p.candidate();
                    log.error("event {} (stream record {}) not delivered to {}: {} {}", c.eventId(),
                            c.sequenceNumber(), destination, f.code(), f.message());
                    failed.add(new DeliveryFailure(c.sequenceNumber(), c.eventId(), destination, reason,
                            f.code() + ": " + f.message()));
                    firstPosition = Math.min(firstPosition, c.position());
                }
                return new DestinationResult(destination, firstPosition, failed, requests);
            }
        }
        return new DestinationResult(destination, Integer.MAX_VALUE, List.of(), requests);
    }

    private void pause(int retry) {
        long millis = initialBackoff.toMillis() << Math.min(retry - 1, 20);
        Duration d = Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }

    private synchronized Executor executor() {
        if (configuredExecutor != null) {
            return configuredExecutor;
        }
        if (ownExecutor == null) {
            AtomicInteger n = new AtomicInteger();
            ownExecutor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "eventfold-fanout-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return ownExecutor;
    }

    @Override
    public synchronized void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            ownExecutor = null;
        }
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
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Executor executor;

        private Builder() {
        }

        public Builder queues(List<String> urls) {
            this.queues = List.copyOf(Objects.requireNonNull(urls, "urls"));
            return this;
        }

        public Builder bus(String busName) {
            this.bus = Optional.of(Objects.requireNonNull(busName, "busName"));
            return this;
        }

        public Builder bus(Optional<String> busName) {
            this.bus = Objects.requireNonNull(busName, "busName");
            return this;
        }

        public Builder queuePublisher(QueuePublisher value) {
            this.queuePublisher = Objects.requireNonNull(value, "queuePublisher");
            return this;
        }

        public Builder busPublisher(BusPublisher value) {
            this.busPublisher = Objects.requireNonNull(value, "busPublisher");
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

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = Objects.requireNonNull(initial, "initial");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Runs destinations other than the first on this executor instead of the fan-out's own threads. */
        public Builder executor(Executor value) {
            this.executor = Objects.requireNonNull(value, "executor");
            return this;
        }

        public StreamFanOut build() {
            for (String q : queues) {
                if (q == null || q.isBlank()) {
                    throw new IllegalArgumentException("queue URLs must not be blank");
                }
            }
            if (queues.stream().distinct().count() != queues.size()) {
                throw new IllegalArgumentException("a queue URL is listed twice");
            }
            if (!queues.isEmpty() && queuePublisher == null) {
                throw new IllegalArgumentException("queues are configured but no queuePublisher");
            }
            if (bus.isPresent() && (bus.get().isBlank() || busPublisher == null)) {
                throw new IllegalArgumentException("a bus needs a non-blank name and a busPublisher");
            }
            if (queueRequestBytes < 1 || busRequestBytes < 1) {
                throw new IllegalArgumentException("request quotas must be positive");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
            }
            return new StreamFanOut(this);
        }
    }
}
