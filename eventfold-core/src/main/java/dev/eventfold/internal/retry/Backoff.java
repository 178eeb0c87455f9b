package dev.eventfold.internal.retry;

import dev.eventfold.core.InvalidInputException;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before a retry, for every retry loop of the library. Implementations are
 * values, validated when made. Users choose one through the public configuration
 * ({@code RetryPolicy.Builder}, {@code StreamFanOut.Builder#backoff}).
 *
 * <pre>{@code
 * Backoff b = Backoff.fullJitterExponential(Duration.ofMillis(5), Duration.ofSeconds(1));
 * b.delay(3, random); // uniformly random in [0, 20 ms]
 * }</pre>
 */
public sealed interface Backoff permits Backoff.None, Backoff.FullJitterExponential, Backoff.Exponential {

    /**
     * @param retry  1 before the first retry (the second attempt), 2 before the next, ...
     * @param random the source of jitter; deterministic backoffs ignore it
     */
    Duration delay(int retry, RandomGenerator random);

    /** Whether {@link #delay} draws from its random source (so a retry loop obtains one only then). */
    default boolean usesRandom() {
        return false;
    }

    /** Retry at once. */
    static Backoff none() {
        return None.INSTANCE;
    }

    /**
     * "Full jitter": a uniformly random delay in {@code [0, min(cap, base * 2^(retry-1))]}.
     * Spreads competing writers apart so that most retries find the aggregate free.
     */
    static Backoff fullJitterExponential(Duration base, Duration cap) {
        return new FullJitterExponential(base, cap);
    }

    /** {@code min(cap, initial * multiplier^(retry-1))}, no jitter: the reference runtime's policy. */
    static Backoff exponential(Duration initial, double multiplier, Duration cap) {
        return new Exponential(initial, multiplier, cap);
    }

    /** No delay at all. */
    enum None implements Backoff {
        INSTANCE;

        @Override
        public Duration delay(int retry, RandomGenerator random) {
            return Duration.ZERO;
        }

        @Override
        public String toString() {
            return "none";
        }
    }

    /** See {@link Backoff#fullJitterExponential}. */
    record FullJitterExponential(Duration base, Duration cap) implements Backoff {
        public FullJitterExponential {
            requirePositive("base", base);
            requirePositive("cap", cap);
            if (cap.compareTo(base) < 0) {
                throw new InvalidInputException("cap", "must not be below base " + base + ", was " + cap);
            }
        }

        /** The upper bound of the delay before retry {@code retry}. */
        public Duration ceiling(int retry) {
            requireRetry(retry);
            long baseNanos = base.toNanos();
            int shift = Math.min(retry - 1, 62);
            // Saturate instead of overflowing: base * 2^shift beyond the cap is the cap.
            long ceiling = shift >= Long.numberOfLeadingZeros(baseNanos) - 1 ? Long.MAX_VALUE : baseNanos << shift;
            return Duration.ofNanos(Math.min(ceiling, cap.toNanos()));
        }

        @Override
        public boolean usesRandom() {
            return true;
        }

        @Override
        public Duration delay(int retry, RandomGenerator random) {
            long ceiling = ceiling(retry).toNanos();
            return Duration.ofNanos(random.nextLong(ceiling + 1));
        }

        @Override
        public String toString() {
            return "full jitter exponential (base " + base.toMillis() + " ms, cap " + cap.toMillis() + " ms)";
        }
    }

    /** See {@link Backoff#exponential}. */
    record Exponential(Duration initial, double multiplier, Duration cap) implements Backoff {
        public Exponential {
            requirePositive("initial", initial);
            requirePositive("cap", cap);
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new InvalidInputException("multiplier", "must be a finite number of at least 1, was " + multiplier);
            }
            if (cap.compareTo(initial) < 0) {
                throw new InvalidInputException("cap", "must not be below initial " + initial + ", was " + cap);
            }
        }

        @Override
        public Duration delay(int retry, RandomGenerator random) {
            requireRetry(retry);
            double nanos = initial.toNanos() * Math.pow(multiplier, retry - 1);
            return nanos >= cap.toNanos() ? cap : Duration.ofNanos((long) nanos);
        }

        @Override
        public String toString() {
            return "exponential (" + initial.toMillis() + " ms x" + multiplier + ", cap " + cap.toMillis() + " ms)";
        }
    }

    private static void requirePositive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new InvalidInputException(field, "must be a positive duration, was " + d);
        }
    }

    private static void requireRetry(int retry) {
        if (retry < 1) {
            throw new InvalidInputException("retry", "counts from 1, was " + retry);
        }
    }
}
