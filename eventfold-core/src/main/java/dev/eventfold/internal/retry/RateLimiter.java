package dev.eventfold.internal.retry;

import dev.eventfold.core.Sleeper;
import dev.eventfold.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Spaces out work to at most {@code permitsPerSecond} on average, shared by every thread that
 * calls it. Each {@link #acquire(int)} reserves its permits at the next free slot and sleeps
 * until then, so a batch of n events waits n / rate seconds after the previous one. Time lost
 * between calls (a slow read of the next page) is made up for, but at most one second's worth:
 * after a pause, at most {@code permitsPerSecond} permits go out without waiting.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(200, System::nanoTime, Sleeper.SYSTEM); // 200 events/s
 * limiter.acquire(10);
 * }</pre>
 */
public final class RateLimiter {
    private static final long BURST_NANOS = 1_000_000_000L;

    private final double permitsPerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long nextFreeNanos;
    private boolean started;

    private RateLimiter(double permitsPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this.permitsPerSecond = permitsPerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** A limiter of {@code permitsPerSecond}; 0 or less means no limit. */
    public static RateLimiter of(double permitsPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (Double.isNaN(permitsPerSecond) || Double.isInfinite(permitsPerSecond)) {
            throw new InvalidInputException("rate", "must be a finite number, was " + permitsPerSecond);
        }
        return new RateLimiter(permitsPerSecond, Objects.requireNonNull(nanoTime, "nanoTime"),
                Objects.requireNonNull(sleeper, "sleeper"));
    }

    public static RateLimiter unlimited() {
        return new RateLimiter(0, System::nanoTime, Sleeper.SYSTEM);
    }

    public boolean isLimited() {
        return permitsPerSecond > 0;
    }

    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    /**
     * Waits until {@code permits} may go.
     *
     * @throws InterruptedException the wait was interrupted; no permits are taken back
     */
    public void acquire(int permits) throws InterruptedException {
        if (!isLimited() || permits <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (!started) {
                nextFreeNanos = now;
                started = true;
            }
            // Credit for time lost between calls, capped at one second of permits.
            nextFreeNanos = Math.max(nextFreeNanos, now - BURST_NANOS);
            waitNanos = nextFreeNanos - now;
            nextFreeNanos += (long) Math.ceil(permits * 1_000_000_000d / permitsPerSecond);
        }
        if (waitNanos > 0) {
            sleeper.sleep(Duration.ofNanos(waitNanos));
        }
    }
}
