package dev.eventfold.internal.concurrent;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A component's own thread pool, built on first use and shut down by its owner's {@code close()}.
 * Never built at class load or construction: a Lambda SnapStart snapshot (or an idle process)
 * holds no threads. The threads are daemons named {@code <name>-1}, {@code <name>-2}, ...: a Lambda
 * runtime, a CLI or a test never waits for them to exit.
 *
 * <pre>{@code
 * private final LazyExecutor threads = LazyExecutor.fixed("eventfold-listener", 3);
 * ...
 * CompletableFuture.runAsync(task, threads.get());
 * ...
 * public void close() { threads.close(); }
 * }</pre>
 *
 * <p>By default a use after {@link #close()} builds a new pool (closing only releases threads);
 * {@link #refusingAfterClose(String)} makes it an error instead. Thread-safe.
 */
public final class LazyExecutor implements AutoCloseable {
    private final String name;
    private final Function<ThreadFactory, ExecutorService> factory;
    private final String refusal; // null: a use after close builds a new pool
    private volatile ExecutorService pool;
    private volatile boolean closed;

    private LazyExecutor(String name, Function<ThreadFactory, ExecutorService> factory, String refusal) {
        this.name = Objects.requireNonNull(name, "name");
        this.factory = factory;
        this.refusal = refusal;
    }

    /** {@code threads} threads, started as tasks arrive and kept until closed. */
    public static LazyExecutor fixed(String name, int threads) {
        requireThreads(threads);
        return new LazyExecutor(name, f -> Executors.newFixedThreadPool(threads, f), null);
    }

    /** As many threads as tasks run at once, each ending after 60 s without work. */
    public static LazyExecutor cached(String name) {
        return new LazyExecutor(name, Executors::newCachedThreadPool, null);
    }

    /** {@code threads} threads, started as tasks arrive and ending after {@code keepAlive} without work. */
    public static LazyExecutor idleEnding(String name, int threads, Duration keepAlive) {
        requireThreads(threads);
        long nanos = keepAlive.toNanos();
        return new LazyExecutor(name, f -> {
            ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, nanos, TimeUnit.NANOSECONDS,
                    new LinkedBlockingQueue<>(), f);
            p.allowCoreThreadTimeOut(true);
            return p;
        }, null);
    }

    /** This pool, but a use after close throws {@link IllegalStateException} with {@code message}. */
    public LazyExecutor refusingAfterClose(String message) {
        return new LazyExecutor(name, factory, Objects.requireNonNull(message, "message"));
    }

    /**
     * The pool, built now if this is the first use (or the first after a close).
     *
     * @throws IllegalStateException closed, and {@link #refusingAfterClose} said so
     */
    public ExecutorService get() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (closed && refusal != null) {
                    throw new IllegalStateException(refusal);
                }
                p = pool;
                if (p == null) {
                    pool = p = factory.apply(daemonThreads(name));
                }
            }
        }
        return p;
    }

    /** Whether a pool is running now. */
    public boolean isStarted() {
        return pool != null;
    }

    /** Shuts the pool down: tasks already given run to their end, no new ones start. */
    @Override
    public void close() {
        ExecutorService p = detach();
        if (p != null) {
            p.shutdown();
        }
    }

    /** Shuts the pool down and interrupts the tasks still running. */
    public void closeNow() {
        ExecutorService p = detach();
        if (p != null) {
            p.shutdownNow();
        }
    }

    private synchronized ExecutorService detach() {
        closed = true;
        ExecutorService p = pool;
        pool = null;
        return p;
    }

    /** Daemon threads named {@code <name>-1}, {@code <name>-2}, ... */
    public static ThreadFactory daemonThreads(String name) {
        Objects.requireNonNull(name, "name");
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void requireThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
    }

    @Override
    public String toString() {
        return "LazyExecutor[" + name + (pool != null ? ", started" : "") + (closed ? ", closed" : "") + "]";
    }
}
