package dev.eventfold.fanout;

import dev.eventfold.fanout.internal.EventSources;
import dev.eventfold.fanout.internal.EntryIds;
import dev.eventfold.fanout.internal.FifoIds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.core.Sleeper;
import dev.eventfold.internal.concurrent.LazyExecutor;
import dev.eventfold.internal.retry.Backoff;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.core.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
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
    private final QueuePublisher queuePublisher;
    private final BusPublisher busPublisher;
    private final int queueRequestBytes;
    private final int busRequestBytes;
    private final int maxAttempts;
    private final RetryLoop retries;
    private final Executor configuredExecutor;
    private final LazyExecutor ownExecutor = LazyExecutor.cached("eventfold-fanout");

    private StreamFanOut(Builder b) {
        this.queues = List.copyOf(b.queues);
        this.bus = b.bus;
        this.queuePublisher = b.queuePublisher;
        this.busPublisher = b.busPublisher;
        this.queueRequestBytes = b.queueRequestBytes;
        this.busRequestBytes = b.busRequestBytes;
        this.maxAttempts = b.maxAttempts;
        this.retries = new RetryLoop(b.maxAttempts, doubling(b.initialBackoff, b.maxBackoff), b.sleeper);
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

    /** An event to send: where it is in the batch, its body and the fields the entries need. */
    private record Candidate(int position, String sequenceNumber, String eventId, String eventType,
                             String aggregateId, String source, String body) {
    }

    /**
     * One entry bound for one destination, made once its id in a request is known, and its counted
     * size; {@code group} is its MessageGroupId on a FIFO queue, else null.
     */
    private record Pending<E>(Candidate candidate, String group, Function<String, E> entryWithId, long bytes) {
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
            // Ids SQS would refuse (over 128 characters, characters outside its set) get a stable hash form.
            Optional<String> group = fifo ? Optional.of(FifoIds.of(c.aggregateId())) : Optional.empty();
            Optional<String> dedup = fifo ? Optional.of(FifoIds.of(c.eventId())) : Optional.empty();
            // SQS counts the bodies (and message attributes, of which we send none) against the quota.
            pending.add(new Pending<>(c, group.orElse(null), id -> new QueueEntry(id, c.body(), group, dedup),
                    DynamoItemSize.utf8(c.body())));
        }
        Function<List<QueueEntry>, List<EntryFailure>> publish = entries -> queuePublisher.send(queueUrl, entries);
        return fifo ? sendByGroup("queue:" + queueUrl, pending, queueRequestBytes, publish, QueueEntry::id)
                : sendAll("queue:" + queueUrl, pending, queueRequestBytes, publish, QueueEntry::id);
    }

    private DestinationResult sendToBus(String busName, List<Candidate> candidates) {
        List<Pending<BusEntry>> pending = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            long bytes = EVENTBRIDGE_ENTRY_OVERHEAD + DynamoItemSize.utf8(c.source()) + DynamoItemSize.utf8(c.eventType())
                    + DynamoItemSize.utf8(c.body());
            pending.add(new Pending<>(c, null, id -> new BusEntry(id, c.source(), c.eventType(), c.body()), bytes));
        }
        return sendAll("bus:" + busName, pending, busRequestBytes,
                entries -> busPublisher.put(busName, entries), BusEntry::id);
    }

    /** Standard queues and the bus: requests filled in stream order; the destination stops at its first failure. */
    private <E> DestinationResult sendAll(String destination, List<Pending<E>> pending, int quota,
                                          Function<List<E>, List<EntryFailure>> publish, Function<E, String> idOf) {
        int requests = 0;
        int pos = 0;
        while (pos < pending.size()) {
            Pending<E> first = pending.get(pos);
            if (first.bytes() > quota) {
                return new DestinationResult(destination, first.candidate().position(),
                        List.of(tooLarge(destination, first, quota)), requests);
            }
            // Fill one request by count and by size.
            List<Pending<E>> batch = new ArrayList<>(MAX_ENTRIES);
            long bytes = 0;
            while (pos < pending.size() && batch.size() < MAX_ENTRIES && bytes + pending.get(pos).bytes() <= quota) {
                bytes += pending.get(pos).bytes();
                batch.add(pending.get(pos++));
            }
            Attempted<E> attempted = deliver(destination, batch, publish, idOf);
            requests += attempted.requests();
            if (!attempted.undelivered().isEmpty()) {
                int firstPosition = attempted.undelivered().stream().mapToInt(u -> u.pending().candidate().position())
                        .min().getAsInt();
                return new DestinationResult(destination, firstPosition,
                        attempted.undelivered().stream().map(Undelivered::failure).toList(), requests);
            }
        }
        return new DestinationResult(destination, Integer.MAX_VALUE, List.of(), requests);
    }

    /**
     * FIFO queues: a request never holds two entries of one message group, so that an entry
     * retried alone cannot be overtaken by a later entry of its group sent with it. Groups
     * interleave across requests, the earliest pending heads first; a group's entries go out one
     * request after another, in stream order. A group whose entry could not be delivered stops
     * there (its later entries are not sent); the other groups go on.
     */
    private <E> DestinationResult sendByGroup(String destination, List<Pending<E>> pending, int quota,
                                              Function<List<E>, List<EntryFailure>> publish, Function<E, String> idOf) {
        Map<String, ArrayDeque<Pending<E>>> groups = new LinkedHashMap<>();
        for (Pending<E> p : pending) {
            groups.computeIfAbsent(p.group(), g -> new ArrayDeque<>()).add(p);
        }
        // Each group's next entry, by stream position.
        TreeMap<Integer, ArrayDeque<Pending<E>>> heads = new TreeMap<>();
        groups.values().forEach(g -> heads.put(g.peekFirst().candidate().position(), g));
        List<DeliveryFailure> failures = new ArrayList<>();
        int firstFailed = Integer.MAX_VALUE;
        int requests = 0;
        while (!heads.isEmpty()) {
            List<Pending<E>> batch = new ArrayList<>(MAX_ENTRIES);
            long bytes = 0;
            for (Iterator<ArrayDeque<Pending<E>>> it = heads.values().iterator(); it.hasNext() && batch.size() < MAX_ENTRIES; ) {
                Pending<E> head = it.next().peekFirst();
                if (head.bytes() > quota) {
                    failures.add(tooLarge(destination, head, quota));
                    firstFailed = Math.min(firstFailed, head.candidate().position());
                    it.remove(); // the group stops at its entry that can never be sent
                    continue;
                }
                if (bytes + head.bytes() > quota) {
                    break;
                }
                bytes += head.bytes();
                batch.add(head);
            }
            if (batch.isEmpty()) {
                continue;
            }
            Attempted<E> attempted = deliver(destination, batch, publish, idOf);
            requests += attempted.requests();
            Map<Pending<E>, Undelivered<E>> failed = new IdentityHashMap<>();
            attempted.undelivered().forEach(u -> failed.put(u.pending(), u));
            for (Pending<E> p : batch) {
                ArrayDeque<Pending<E>> group = heads.remove(p.candidate().position());
                Undelivered<E> u = failed.get(p);
                if (u != null) {
                    failures.add(u.failure());
                    firstFailed = Math.min(firstFailed, p.candidate().position());
                    continue; // the group stops: its later entries are not sent
                }
                group.pollFirst();
                if (!group.isEmpty()) {
                    heads.put(group.peekFirst().candidate().position(), group);
                }
            }
        }
        return new DestinationResult(destination, firstFailed, failures, requests);
    }

    /** The entries of one request that were not delivered, and the requests it took. */
    private record Attempted<E>(int requests, List<Undelivered<E>> undelivered) {
    }

    private record Undelivered<E>(Pending<E> pending, DeliveryFailure failure) {
    }

    /** Sends one request, then its failed entries alone, while they are retryable and attempts remain. */
    private <E> Attempted<E> deliver(String destination, List<Pending<E>> batch,
                                     Function<List<E>, List<EntryFailure>> publish, Function<E, String> idOf) {
        Map<String, Pending<E>> byId = new LinkedHashMap<>();
        List<E> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending<E> p = batch.get(i);
            E entry = p.entryWithId().apply(EntryIds.of(p.candidate().eventId(), i));
            byId.put(idOf.apply(entry), p);
            entries.add(entry);
        }
        Resends<E> resends = new Resends<>(destination, batch.size(), entries, publish, idOf);
        if (!entries.isEmpty()) {
            retries.run(resends);
        }
        entries = resends.entries;
        List<EntryFailure> lastFailures = resends.lastFailures;
        DeliveryFailure.Reason reason = resends.reason;
        int requests = resends.requests;
        if (entries.isEmpty()) {
            return new Attempted<>(requests, List.of());
        }
        Map<String, EntryFailure> failedById = new HashMap<>();
        lastFailures.forEach(f -> failedById.put(f.id(), f));
        List<Undelivered<E>> undelivered = new ArrayList<>();
        for (E en : entries) {
            Pending<E> p = byId.get(idOf.apply(en));
            EntryFailure f = failedById.get(idOf.apply(en));
            Candidate c = p.candidate();
            log.error("event {} (stream record {}) not delivered to {}: {} {}", c.eventId(),
                    c.sequenceNumber(), destination, f.code(), f.message());
            undelivered.add(new Undelivered<>(p, new DeliveryFailure(c.sequenceNumber(), c.eventId(), destination,
                    reason, f.code() + ": " + f.message())));
        }
        return new Attempted<>(requests, undelivered);
    }

    /** The attempts of one request: each sends the entries the last one left undelivered. */
    private final class Resends<E> implements RetryLoop.Attempt<Void> {
        final String destination;
        final int batchSize;
        final Function<List<E>, List<EntryFailure>> publish;
        final Function<E, String> idOf;
        List<E> entries;
        List<EntryFailure> lastFailures = List.of();
        DeliveryFailure.Reason reason = DeliveryFailure.Reason.REJECTED;
        int requests;

        Resends(String destination, int batchSize, List<E> entries, Function<List<E>, List<EntryFailure>> publish,
                Function<E, String> idOf) {
            this.destination = destination;
            this.batchSize = batchSize;
            this.entries = entries;
            this.publish = publish;
            this.idOf = idOf;
        }

        @Override
        public RetryLoop.Step<Void> run(int attempt, boolean last) {
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
            if (entries.isEmpty() || lastFailures.stream().anyMatch(f -> !f.retryable()) || last) {
                return RetryLoop.Step.done(null);
            }
            log.info("{} of {} entries to {} failed, retrying", entries.size(), batchSize, destination);
            return RetryLoop.Step.again(ie -> new IllegalStateException("interrupted while backing off", ie));
        }
    }

    private static DeliveryFailure tooLarge(String destination, Pending<?> p, int quota) {
        Candidate c = p.candidate();
        log.error("event {} (stream record {}) is {} bytes, over the {}-byte request quota of {}: not sent",
                c.eventId(), c.sequenceNumber(), p.bytes(), quota, destination);
        return new DeliveryFailure(c.sequenceNumber(), c.eventId(), destination, DeliveryFailure.Reason.TOO_LARGE,
                p.bytes() + " bytes > quota " + quota);
    }

    /**
     * The wait before retry n: {@code initial * 2^(n-1)} in whole milliseconds, at most {@code max},
     * and doubling at most 20 times (as it always has).
     */
    private static Backoff doubling(Duration initial, Duration max) {
        long initialMillis = initial.toMillis();
        if (initialMillis == 0) {
            return Backoff.none();
        }
        long capMillis = initialMillis > (Long.MAX_VALUE >> 20) ? max.toMillis()
                : Math.min(max.toMillis(), initialMillis << 20);
        return Backoff.exponential(Duration.ofMillis(initialMillis), 2, Duration.ofMillis(capMillis));
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
