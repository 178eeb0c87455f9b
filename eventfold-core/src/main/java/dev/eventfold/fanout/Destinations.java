package dev.eventfold.fanout;

import dev.eventfold.internal.Utf8;
import dev.eventfold.fanout.internal.FifoIds;
import dev.eventfold.spi.wire.DynamoItemSize;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link StreamFanOut} fills the requests to one destination: entries made for each
 * service (FIFO ids, counted sizes), requests filled by count and by size in stream order, and
 * on a FIFO queue at most one entry per message group in a request. Each request goes through
 * {@link Delivery} (its failed entries resent while retryable).
 */
final class Destinations {
    // The fan-out's logger: these lines have always been the fan-out's.
    private static final Logger log = LoggerFactory.getLogger(StreamFanOut.class);

    private final QueuePublisher queuePublisher;
    private final BusPublisher busPublisher;
    private final int queueRequestBytes;
    private final int busRequestBytes;
    private final Delivery delivery;

    Destinations(QueuePublisher queuePublisher, BusPublisher busPublisher, int queueRequestBytes, int busRequestBytes,
                 Delivery delivery) {
        this.queuePublisher = queuePublisher;
        this.busPublisher = busPublisher;
        this.queueRequestBytes = queueRequestBytes;
        this.busRequestBytes = busRequestBytes;
        this.delivery = delivery;
    }

    DestinationResult sendToQueue(String queueUrl, List<Candidate> candidates) {
        boolean fifo = queueUrl.endsWith(".fifo");
        List<Pending<QueueEntry>> pending = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            // Ids SQS would refuse (over 128 characters, characters outside its set) get a stable hash form.
            Optional<String> group = fifo ? Optional.of(FifoIds.of(c.aggregateId())) : Optional.empty();
            Optional<String> dedup = fifo ? Optional.of(FifoIds.of(c.eventId())) : Optional.empty();
            // SQS counts the bodies (and message attributes, of which we send none) against the quota.
            pending.add(new Pending<>(c, group.orElse(null), id -> new QueueEntry(id, c.body(), group, dedup),
                    Utf8.length(c.body())));
        }
        Function<List<QueueEntry>, List<EntryFailure>> publish = entries -> queuePublisher.send(queueUrl, entries);
        return fifo ? sendByGroup("queue:" + queueUrl, pending, queueRequestBytes, publish, QueueEntry::id)
                : sendAll("queue:" + queueUrl, pending, queueRequestBytes, publish, QueueEntry::id);
    }

    DestinationResult sendToBus(String busName, List<Candidate> candidates) {
        List<Pending<BusEntry>> pending = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            long bytes = StreamFanOut.EVENTBRIDGE_ENTRY_OVERHEAD + Utf8.length(c.source()) + Utf8.length(c.eventType())
                    + Utf8.length(c.body());
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
            List<Pending<E>> batch = new ArrayList<>(StreamFanOut.MAX_ENTRIES);
            long bytes = 0;
            while (pos < pending.size() && batch.size() < StreamFanOut.MAX_ENTRIES && bytes + pending.get(pos).bytes() <= quota) {
                bytes += pending.get(pos).bytes();
                batch.add(pending.get(pos++));
            }
            Delivery.Attempted<E> attempted = delivery.deliver(destination, batch, publish, idOf);
            requests += attempted.requests();
            if (!attempted.undelivered().isEmpty()) {
                int firstPosition = attempted.undelivered().stream().mapToInt(u -> u.pending().candidate().position())
                        .min().getAsInt();
                return new DestinationResult(destination, firstPosition,
                        attempted.undelivered().stream().map(Delivery.Undelivered::failure).toList(), requests);
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
            List<Pending<E>> batch = new ArrayList<>(StreamFanOut.MAX_ENTRIES);
            long bytes = 0;
            for (Iterator<ArrayDeque<Pending<E>>> it = heads.values().iterator(); it.hasNext() && batch.size() < StreamFanOut.MAX_ENTRIES; ) {
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
            Delivery.Attempted<E> attempted = delivery.deliver(destination, batch, publish, idOf);
            requests += attempted.requests();
            Map<Pending<E>, Delivery.Undelivered<E>> failed = new IdentityHashMap<>();
            attempted.undelivered().forEach(u -> failed.put(u.pending(), u));
            for (Pending<E> p : batch) {
                ArrayDeque<Pending<E>> group = heads.remove(p.candidate().position());
                Delivery.Undelivered<E> u = failed.get(p);
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

    private static DeliveryFailure tooLarge(String destination, Pending<?> p, int quota) {
        Candidate c = p.candidate();
        log.error("event {} (stream record {}) is {} bytes, over the {}-byte request quota of {}: not sent",
                c.eventId(), c.sequenceNumber(), p.bytes(), quota, destination);
        return new DeliveryFailure(c.sequenceNumber(), c.eventId(), destination, DeliveryFailure.Reason.TOO_LARGE,
                p.bytes() + " bytes > quota " + quota);
    }
}
