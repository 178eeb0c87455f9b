package dev.eventfold.runtime;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.listener.QueueMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process queue with the SQS semantics the listener relies on: a message received and
 * not acknowledged is delivered again, and goes to the dead letters after {@code maxReceives}
 * receives. A queue whose name ends in {@code .fifo} is FIFO: deduplication by
 * MessageDeduplicationId, and a message group delivers its next message only once the one before
 * it was acknowledged. Thread-safe.
 */
public final class InMemoryQueue {
    private final String name;
    private final boolean fifo;
    private final int maxReceives;
    private final LinkedList<Stored> visible = new LinkedList<>();
    private final Map<String, Stored> inFlight = new HashMap<>();
    private final List<String> deadLetters = new ArrayList<>();
    private final List<String> accepted = new ArrayList<>();
    private final Set<String> seenDeduplicationIds = new HashSet<>();
    private final AtomicLong ids = new AtomicLong();

    private static final class Stored {
        final String messageId;
        final String body;
        final String group;
        final long sequence;
        int receives;

        Stored(String messageId, String body, String group, long sequence) {
            this.messageId = messageId;
            this.body = body;
            this.group = group;
            this.sequence = sequence;
        }
    }

    InMemoryQueue(String name, int maxReceives) {
        this.name = Objects.requireNonNull(name, "name");
        this.fifo = name.endsWith(".fifo");
        if (maxReceives < 1) {
            throw new InvalidInputException("maxReceives", "must be at least 1, was " + maxReceives);
        }
        this.maxReceives = maxReceives;
    }

    public String name() {
        return name;
    }

    public boolean isFifo() {
        return fifo;
    }

    /** Enqueues an entry as SendMessageBatch would; false when a FIFO queue drops it as a duplicate. */
    public synchronized boolean send(QueueEntry entry) {
        if (fifo) {
            if (entry.messageGroupId().isEmpty() || entry.messageDeduplicationId().isEmpty()) {
                throw new IllegalArgumentException("a FIFO queue needs MessageGroupId and MessageDeduplicationId");
            }
            if (!seenDeduplicationIds.add(entry.messageDeduplicationId().get())) {
                return false;
            }
        } else if (entry.messageGroupId().isPresent()) {
            throw new IllegalArgumentException("a standard queue takes no MessageGroupId");
        }
        long seq = ids.incrementAndGet();
        visible.add(new Stored(name + "-" + seq, entry.body(), entry.messageGroupId().orElse(null), seq));
        accepted.add(entry.body());
        return true;
    }

    /** Up to {@code max} visible messages, now in flight until acknowledged or released. */
    public synchronized List<QueueMessage> receive(int max) {
        List<QueueMessage> out = new ArrayList<>();
        Set<String> blockedGroups = new HashSet<>();
        if (fifo) {
            // As SQS FIFO: a group with messages in flight delivers nothing more until they are done.
            inFlight.values().forEach(s -> blockedGroups.add(s.group));
        }
        for (Iterator<Stored> it = visible.iterator(); it.hasNext() && out.size() < max; ) {
            Stored s = it.next();
            if (fifo && blockedGroups.contains(s.group)) {
                continue;
            }
            it.remove();
            s.receives++;
            inFlight.put(s.messageId, s);
            out.add(new QueueMessage(s.messageId, s.body, s.group));
        }
        return out;
    }

    /** The message was handled: it is gone. */
    public synchronized void acknowledge(String messageId) {
        inFlight.remove(messageId);
    }

    /** The message failed: visible again in its place, or a dead letter after maxReceives receives. */
    public synchronized void release(String messageId) {
        Stored s = inFlight.remove(messageId);
        if (s == null) {
            return;
        }
        if (s.receives >= maxReceives) {
            deadLetters.add(s.body);
            return;
        }
        int at = 0;
        for (Stored v : visible) {
            if (v.sequence > s.sequence) {
                break;
            }
            at++;
        }
        visible.add(at, s);
    }

    /** Messages visible or in flight. */
    public synchronized int depth() {
        return visible.size() + inFlight.size();
    }

    /** Bodies of the messages that went to the dead letters, in order. */
    public synchronized List<String> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Every body this queue accepted, in order: what a test asserts the fan-out delivered. */
    public synchronized List<String> acceptedBodies() {
        return List.copyOf(accepted);
    }
}
