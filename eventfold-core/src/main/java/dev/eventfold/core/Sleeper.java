package dev.eventfold.core;

import java.time.Duration;

/**
 * Waits for a while: the pauses between retries and of rate limits. A parameter of the builders
 * that wait ({@code StreamFanOut}, {@code Replayer}), so tests record the pauses instead of
 * taking them, as a {@link java.time.Clock} lets them choose the time.
 *
 * <pre>{@code
 * List<Duration> pauses = new ArrayList<>();
 * StreamFanOut fanOut = StreamFanOut.builder()...sleeper(pauses::add).build();
 * }</pre>
 */
@FunctionalInterface
public interface Sleeper {
    /** {@link Thread#sleep(long, int)}; a zero duration returns at once. */
    Sleeper SYSTEM = d -> {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        }
    };

    /**
     * @throws InterruptedException the wait was interrupted; the caller gives up waiting
     */
    void sleep(Duration duration) throws InterruptedException;
}
