package dev.eventfold.internal.retry;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The retry loop of the library: counts attempts up to a maximum and pauses between them by a
 * {@link Backoff}; what an attempt does, and whether its failure is worth another try, stays with
 * the caller (the dispatcher re-bases a conflict, the fan-out re-sends failed entries, the command
 * handler repeats an append whose outcome is unknown).
 *
 * <pre>{@code
 * RetryLoop loop = new RetryLoop(5, Backoff.exponential(ms(100), 2, seconds(2)), Sleeper.SYSTEM, SecureRandom::new);
 * Result r = loop.run((attempt, last) -> {
 *     try {
 *         return RetryLoop.Step.done(call());
 *     } catch (TransientException e) {
 *         if (last) throw e;
 *         return RetryLoop.Step.again(e); // interrupted in the pause: e is thrown
 *     }
 * });
 * }</pre>
 *
 * <p>Thread-safe; one loop may run many calls at once. The random source of a jittered backoff is
 * obtained on the first pause that needs it, never when the loop is made (nothing random in a
 * SnapStart snapshot).
 */
public final class RetryLoop {
    private final int maxAttempts;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final Supplier<? extends RandomGenerator> jitterSource;
    private final Duration budget;
    private final LongSupplier nanoTime;
    private volatile RandomGenerator jitter;

    /**
     * @param maxAttempts attempts in all, the first included
     * @param jitter      the random source of a jittered backoff, asked for once, on the first pause
     */
    public RetryLoop(int maxAttempts, Backoff backoff, Sleeper sleeper, Supplier<? extends RandomGenerator> jitter) {
        this(maxAttempts, null, backoff, sleeper, jitter, System::nanoTime);
    }

    /**
     * A loop bounded by attempts and by time: no attempt starts once {@code budget} has passed since
     * the first, and no pause runs past it.
     *
     * @param budget   the time the attempts of one call may take; null for no limit but the count
     * @param nanoTime the clock the budget is measured on ({@code System::nanoTime}; tests pass their own)
     */
    public RetryLoop(int maxAttempts, Duration budget, Backoff backoff, Sleeper sleeper,
                     Supplier<? extends RandomGenerator> jitter, LongSupplier nanoTime) {
        if (maxAttempts < 1) {
            throw new InvalidInputException("maxAttempts", "must be at least 1, was " + maxAttempts);
        }
        if (budget != null && (budget.isNegative() || budget.isZero())) {
            throw new InvalidInputException("budget", "must be positive, was " + budget);
        }
        this.maxAttempts = maxAttempts;
        this.budget = budget;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.jitterSource = Objects.requireNonNull(jitter, "jitter");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** A loop of a deterministic backoff (it needs no random source). */
    public RetryLoop(int maxAttempts, Backoff backoff, Sleeper sleeper) {
        this(maxAttempts, backoff, sleeper, () -> {
            throw new IllegalStateException("a deterministic backoff asked for a random source");
        });
        if (backoff.usesRandom()) {
            throw new InvalidInputException("backoff", backoff + " needs a random source");
        }
    }

    /** {@code maxAttempts} attempts one right after the other. */
    public static RetryLoop withoutPause(int maxAttempts) {
        return new RetryLoop(maxAttempts, Backoff.none(), Sleeper.SYSTEM);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** One attempt of a {@link #run}. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * Tries once. Returns {@link Step#done} with the result, or {@link Step#again} for another
         * attempt after the pause; throws to give up (the loop lets the exception through).
         *
         * @param attempt 1 for the first attempt, 2 for the second, ...
         * @param last    no attempt is left after this one: it must not ask for another
         */
        Step<T> run(int attempt, boolean last);
    }

    /** What an attempt decided. */
    public sealed interface Step<T> {
        static <T> Step<T> done(T value) {
            return new Done<>(value);
        }

        /**
         * Another attempt at once, without the pause: for a failure that carried what the next
         * attempt needs (a conflict that reported the current version of something this attempt
         * only knew from before a pause). It counts against the attempts and the time budget.
         */
        static <T> Step<T> againNow() {
            return new AgainNow<>();
        }

        /** Another attempt; interrupted in the pause, the loop gives up with {@code failure} (the interrupt flag set again). */
        static <T> Step<T> again(RuntimeException failure) {
            Objects.requireNonNull(failure, "failure");
            return new Again<>(interrupted -> failure);
        }

        /** Another attempt; interrupted in the pause, the loop throws what {@code onInterrupt} makes (the interrupt flag set again). */
        static <T> Step<T> again(Function<InterruptedException, ? extends RuntimeException> onInterrupt) {
            return new Again<>(Objects.requireNonNull(onInterrupt, "onInterrupt"));
        }

        record Done<T>(T value) implements Step<T> {
        }

        record Again<T>(Function<InterruptedException, ? extends RuntimeException> onInterrupt) implements Step<T> {
        }

        record AgainNow<T>() implements Step<T> {
        }
    }

    /** Runs attempts until one is done, one throws, or none is left (by count or by time). */
    public <T> T run(Attempt<T> attempt) {
        long start = budget == null ? 0 : nanoTime.getAsLong();
        for (int n = 1; ; n++) {
            Duration left = budget == null ? null : budget.minusNanos(nanoTime.getAsLong() - start);
            boolean last = n >= maxAttempts || left != null && (left.isNegative() || left.isZero());
            Step<T> step = attempt.run(n, last);
            if (step instanceof Step.Done<T> done) {
                return done.value();
            }
            if (last) {
                throw new IllegalStateException("attempt " + n + " of " + maxAttempts + " asked for another");
            }
            if (step instanceof Step.Again<T> again) {
                pause(n, again, budget == null ? null : budget.minusNanos(nanoTime.getAsLong() - start));
            }
        }
    }

    private void pause(int retry, Step.Again<?> again, Duration left) {
        Duration d = backoff.delay(retry, backoff.usesRandom() ? jitter() : null);
        if (left != null && d.compareTo(left) > 0) {
            d = left.isNegative() ? Duration.ZERO : left; // the last attempt starts when the budget ends
        }
        try {
            sleeper.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt(); // the interrupt stays visible to the caller
            throw again.onInterrupt().apply(ie);
        }
    }

    private RandomGenerator jitter() {
        RandomGenerator r = jitter;
        if (r == null) {
            synchronized (this) {
                r = jitter;
                if (r == null) {
                    jitter = r = Objects.requireNonNull(jitterSource.get(), "jitter source returned null");
                }
            }
        }
        return r;
    }

    @Override
    public String toString() {
        return "RetryLoop[" + maxAttempts + " attempts" + (budget == null ? "" : " within " + budget) + ", " + backoff + "]";
    }
}
