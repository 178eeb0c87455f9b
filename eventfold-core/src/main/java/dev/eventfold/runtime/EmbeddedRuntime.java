package dev.eventfold.runtime;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.internal.Checks;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.fanout.BusEntry;
import dev.eventfold.fanout.EntryFailure;
import dev.eventfold.fanout.FanOutOutcome;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.fanout.StreamRecord;
import dev.eventfold.listener.BatchOutcome;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.listener.RecordResult;
import dev.eventfold.store.InMemoryEventStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole event path in one process, without any AWS endpoint: appends to an
 * {@link InMemoryEventStore} become stream records, the same {@link StreamFanOut} sends them to
 * in-process queues and an optional bus, and the same {@link EventListener}s handle the queues,
 * with SQS's redelivery and dead letters. For the demo and for users' tests.
 *
 * <pre>{@code
 * InMemoryEventStore store = new InMemoryEventStore();
 * try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store)
 *         .queue("projections.fifo", listener)
 *         .bus("domain-events")
 *         .rule(entry -> entry.detailType().startsWith("Wallet."), "audit")
 *         .queue("audit", auditListener)
 *         .build()) {
 *     store.appendEvent(wallet, 0, funded);
 *     runtime.drain();          // everything appended so far is handled, on this thread
 * }
 * }</pre>
 *
 * {@link #start()} runs the same loop on a background thread instead.
 */
public final class EmbeddedRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRuntime.class);
    /** Lambda's default batch size for a DynamoDB stream source. */
    private static final int STREAM_BATCH = 100;
    /** SQS receives at most 10 messages. */
    private static final int QUEUE_BATCH = 10;
    /** Like an event source mapping's MaximumRetryAttempts: then the record is dropped, loudly. */
    private static final int STREAM_RETRIES = 3;

    private final Map<String, InMemoryQueue> queues;
    private final Map<String, EventListener> listeners;
    private final Optional<InMemoryBus> bus;
    private final StreamFanOut fanOut;
    private final ConcurrentLinkedDeque<StreamRecord> stream = new ConcurrentLinkedDeque<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Object stepLock = new Object();
    private String lastFailedSequence;
    private int failedAttempts;
    private volatile Thread worker;
    private volatile boolean running;
    private volatile boolean closed;

    private EmbeddedRuntime(Builder b) {
        Map<String, InMemoryQueue> made = new LinkedHashMap<>();
        b.queueNames.forEach(name -> made.put(name, new InMemoryQueue(name, b.maxReceives)));
        this.queues = made;
        this.listeners = b.listeners;
        this.bus = b.busName.map(name -> new InMemoryBus(name, b.clock));
        bus.ifPresent(bb -> b.rules.forEach((queue, matches) -> bb.addRule(matches, queues.get(queue))));
        StreamFanOut.Builder f = StreamFanOut.builder()
                .queues(new ArrayList<>(b.fanOutQueues))
                .queuePublisher(this::sendToQueue)
                .requestBytes(b.requestBytes)
                .backoff(Duration.ZERO, Duration.ZERO)
                .executor(Runnable::run);
        bus.ifPresent(bb -> f.bus(bb.name()).busPublisher(this::putOnBus));
        this.fanOut = f.build();
        b.store.onAppend(this::onAppend);
    }

    public static Builder builder(InMemoryEventStore store) {
        return new Builder(store);
    }

    public InMemoryQueue queue(String name) {
        InMemoryQueue q = queues.get(name);
        if (q == null) {
            throw new NoSuchElementException("no queue " + name);
        }
        return q;
    }

    public Optional<InMemoryBus> bus() {
        return bus;
    }

    private void onAppend(List<EventRecord> records) {
        // Called under the store's per-aggregate lock: keep it short, just record the change.
        if (closed) {
            return;
        }
        for (EventRecord r : records) {
            stream.add(StreamRecord.insert(Long.toString(sequence.incrementAndGet()), EventItems.toItemJson(r)));
        }
    }

    /**
     * Runs fan-out and listeners on the calling thread until nothing is left to do: every
     * appended event fanned out, every queue empty or dead-lettered. Returns the number of steps.
     */
    public int drain() {
        int steps = 0;
        while (step()) {
            steps++;
        }
        return steps;
    }

    /** One round: a stream batch fanned out, one receive per queue handled. True when it did work. */
    public boolean step() {
        synchronized (stepLock) {
            boolean worked = fanOutBatch();
            for (Map.Entry<String, EventListener> e : listeners.entrySet()) {
                worked |= poll(queues.get(e.getKey()), e.getValue());
            }
            return worked;
        }
    }

    private boolean fanOutBatch() {
        List<StreamRecord> batch = new ArrayList<>();
        for (StreamRecord r = stream.poll(); r != null; r = batch.size() < STREAM_BATCH - 1 ? stream.poll() : null) {
            batch.add(r);
        }
        if (batch.isEmpty()) {
            return false;
        }
        FanOutOutcome outcome = fanOut.handle(batch);
        if (outcome.allDelivered()) {
            failedAttempts = 0;
            return true;
        }
        String failed = outcome.firstFailedSequenceNumber().get();
        failedAttempts = failed.equals(lastFailedSequence) ? failedAttempts + 1 : 1;
        lastFailedSequence = failed;
        List<StreamRecord> retry = new ArrayList<>();
        boolean from = false;
        for (StreamRecord r : batch) {
            from |= r.sequenceNumber().equals(failed);
            if (from) {
                retry.add(r);
            }
        }
        if (failedAttempts > STREAM_RETRIES) {
            log.error("stream record {} failed {} times: dropped", failed, failedAttempts);
            retry.remove(0);
            failedAttempts = 0;
        }
        for (int i = retry.size() - 1; i >= 0; i--) {
            stream.addFirst(retry.get(i)); // retried from the failed record, as Lambda does
        }
        return true;
    }

    private static boolean poll(InMemoryQueue queue, EventListener listener) {
        List<QueueMessage> batch = queue.receive(QUEUE_BATCH);
        if (batch.isEmpty()) {
            return false;
        }
        BatchOutcome outcome = listener.handle(batch);
        for (RecordResult r : outcome.results()) {
            if (r.isFailure()) {
                queue.release(r.messageId());
            } else {
                queue.acknowledge(r.messageId());
            }
        }
        return true;
    }

    private List<EntryFailure> sendToQueue(String name, List<QueueEntry> entries) {
        InMemoryQueue q = queue(name);
        entries.forEach(q::send);
        return List.of();
    }

    private List<EntryFailure> putOnBus(String name, List<BusEntry> entries) {
        entries.forEach(e -> bus.orElseThrow().put(e));
        return List.of();
    }

    /** Runs {@link #step()} on a daemon thread until {@link #close()}, pausing briefly when idle. */
    public synchronized EmbeddedRuntime start() {
        if (worker != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        worker = new Thread(() -> {
            while (running) {
                try {
                    if (!step()) {
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("embedded runtime step failed", e);
                }
            }
        }, "eventfold-embedded-runtime");
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    /**
     * Stops the background thread, if started (interrupting it and waiting up to 5 s for its
     * current step), the fan-out's threads, and the threads of every listener given to the
     * builder: the runtime owns its listeners, which cannot be used after. Appends made after
     * close are ignored (the store cannot forget its hook). Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            running = false;
            t = worker;
            worker = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fanOut.close();
        listeners.values().forEach(EventListener::close);
    }

    /**
     * Configures an {@link EmbeddedRuntime}. Queues named with a {@code .fifo} suffix are FIFO.
     * A queue gets the fan-out's messages unless it is only a rule's target; it is handled by
     * its listener when it has one. Defaults: 5 receives before dead letters, the 1 MiB request
     * quota, the system UTC clock.
     */
    public static final class Builder {
        private final InMemoryEventStore store;
        private final java.util.Set<String> queueNames = new java.util.LinkedHashSet<>();
        private final Map<String, EventListener> listeners = new LinkedHashMap<>();
        private final List<String> fanOutQueues = new ArrayList<>();
        private InvalidInputException refused; // the first bad declaration, thrown by build()
        private final Map<String, Predicate<BusEntry>> rules = new LinkedHashMap<>();
        private Optional<String> busName = Optional.empty();
        private int requestBytes = StreamFanOut.DEFAULT_REQUEST_BYTES;
        private int maxReceives = 5;
        private Clock clock = Clock.systemUTC();

        private Builder(InMemoryEventStore store) {
            this.store = Checks.notNull(store, "store");
        }

        /** A queue the fan-out sends to, handled by {@code listener}. */
        public Builder queue(String name, EventListener listener) {
            addQueue(name, true);
            listeners.put(name, Checks.notNull(listener, "listener"));
            return this;
        }

        /** A queue the fan-out sends to with no listener: messages stay for a test to inspect. */
        public Builder queue(String name) {
            addQueue(name, true);
            return this;
        }

        public Builder bus(String name) {
            this.busName = Optional.of(Checks.notNull(name, "name"));
            return this;
        }

        /** A bus rule: entries matching go to {@code queueName} (created here if new; fed only by the bus). */
        public Builder rule(Predicate<BusEntry> matches, String queueName) {
            if (!queueNames.contains(queueName)) {
                addQueue(queueName, false);
            }
            rules.put(queueName, Checks.notNull(matches, "matches"));
            return this;
        }

        /** A listener for a queue declared by {@link #rule}. */
        public Builder listener(String queueName, EventListener listener) {
            if (!queueNames.contains(queueName)) {
                refuse(new InvalidInputException("listener", "no queue " + queueName));
            }
            listeners.put(queueName, Checks.notNull(listener, "listener"));
            return this;
        }

        public Builder requestBytes(int bytes) {
            this.requestBytes = bytes;
            return this;
        }

        public Builder maxReceives(int value) {
            this.maxReceives = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Checks.notNull(value, "clock");
            return this;
        }

        private void addQueue(String name, boolean fedByFanOut) {
            if (name == null || name.isBlank()) {
                refuse(new InvalidInputException("queue", "queue name must not be blank"));
                return;
            }
            if (!queueNames.add(name)) {
                refuse(new InvalidInputException("queue", "queue " + name + " declared twice"));
                return;
            }
            if (fedByFanOut) {
                fanOutQueues.add(name);
            }
        }

        private void refuse(InvalidInputException e) {
            if (refused == null) {
                refused = e;
            }
        }

        /** @throws InvalidInputException the first bad declaration or setting, named */
        public EmbeddedRuntime build() {
            if (refused != null) {
                throw refused;
            }
            if (maxReceives < 1) {
                throw new InvalidInputException("maxReceives", "must be at least 1, was " + maxReceives);
            }
            if (!rules.isEmpty() && busName.isEmpty()) {
                throw new InvalidInputException("bus", "rules need a bus");
            }
            return new EmbeddedRuntime(this);
        }
    }
}
