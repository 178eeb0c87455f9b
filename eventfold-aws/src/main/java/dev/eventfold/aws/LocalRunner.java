package dev.eventfold.aws;

import dev.eventfold.internal.Checks;
import dev.eventfold.core.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does locally what AWS event source mappings do, for development, tests and the demo: a thread
 * polls the table's stream into the fan-out, a thread per queue polls it into its listener.
 * {@link #runOnce()} runs one round of every poller on the calling thread instead.
 *
 * <pre>{@code
 * try (LocalRunner runner = LocalRunner.builder()
 *         .stream(new StreamPoller(streams, streamArn, fanOut, ShardIteratorType.TRIM_HORIZON, 100))
 *         .queue(new QueuePoller(sqs, queueUrl, listener, 20))
 *         .build().start()) {
 *     ... // append events; listeners run
 * }
 * }</pre>
 */
public final class LocalRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalRunner.class);

    private final List<StreamPoller> streams;
    private final List<QueuePoller> queues;
    private final Duration idlePause;
    private final Duration stopTimeout;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    private LocalRunner(Builder b) {
        this.streams = List.copyOf(b.streams);
        this.queues = List.copyOf(b.queues);
        this.idlePause = b.idlePause;
        this.stopTimeout = b.stopTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One round of every poller on the calling thread; returns the records and messages read. */
    public int runOnce() {
        int n = 0;
        for (StreamPoller s : streams) {
            n += s.pollOnce();
        }
        for (QueuePoller q : queues) {
            n += q.pollOnce();
        }
        return n;
    }

    /** Starts one thread per poller. */
    public synchronized LocalRunner start() {
        if (running) {
            throw new IllegalStateException("already started");
        }
        running = true;
        int i = 0;
        for (StreamPoller s : streams) {
            threads.add(loop("eventfold-stream-" + i++, s::pollOnce));
        }
        i = 0;
        for (QueuePoller q : queues) {
            threads.add(loop("eventfold-queue-" + i++, q::pollOnce));
        }
        threads.forEach(Thread::start);
        return this;
    }

    private Thread loop(String name, IntSupplier poll) {
        Thread t = new Thread(() -> {
            while (running) {
                try {
                    if (poll.getAsInt() == 0) {
                        Thread.sleep(idlePause.toMillis());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("{}: poll failed, retrying: {}", name, e.toString());
                    try {
                        Thread.sleep(Math.max(idlePause.toMillis(), 200));
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops the pollers: each finishes the batch in hand (handled, deleted or left to reappear),
     * then exits; a poller still busy after the stop timeout is interrupted.
     */
    @Override
    public synchronized void close() {
        running = false;
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    /** Configures a {@link LocalRunner}. Defaults: 100 ms pause when a poll found nothing, 30 s stop timeout. */
    public static final class Builder {
        private final List<StreamPoller> streams = new ArrayList<>();
        private final List<QueuePoller> queues = new ArrayList<>();
        private Duration idlePause = Duration.ofMillis(100);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder stream(StreamPoller poller) {
            streams.add(Checks.notNull(poller, "poller"));
            return this;
        }

        public Builder queue(QueuePoller poller) {
            queues.add(Checks.notNull(poller, "poller"));
            return this;
        }

        public Builder idlePause(Duration value) {
            this.idlePause = Checks.notNull(value, "idlePause");
            return this;
        }

        public Builder stopTimeout(Duration value) {
            this.stopTimeout = Checks.notNull(value, "stopTimeout");
            return this;
        }

        public LocalRunner build() {
            if (streams.isEmpty() && queues.isEmpty()) {
                throw new InvalidInputException("queues", "a runner needs a stream or a queue to poll");
            }
            if (idlePause.isNegative()) {
                throw new InvalidInputException("idlePause", "must not be negative, was " + idlePause);
            }
            if (stopTimeout.isNegative()) {
                throw new InvalidInputException("stopTimeout", "must not be negative, was " + stopTimeout);
            }
            return new LocalRunner(this);
        }
    }
}
