package dev.eventfold.dispatch;

import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.internal.retry.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * When a dispatch tries again. Only what can succeed on a retry is retried: a
 * {@link ConcurrencyConflictException} (with the version the store reported, or a re-read head)
 * and a retryable {@link EventStoreException} (throttling, 5xx, unknown outcome: the very same
 * append again). Bad input and rejected requests are never retried.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.custom()
 *     .maxAttempts(8)
 *     .fullJitterBackoff(Duration.ofMillis(10), Duration.ofMillis(500))
 *     .build();
 * RetryPolicy lenient = RetryPolicy.from(policy).maxAttempts(20).build();
 * }</pre>
 *
 * <p>An immutable value; equal policies retry alike. Defaults: at most {@value #DEFAULT_MAX_ATTEMPTS}
 * attempts in all (the first included) within a time budget of {@link #DEFAULT_TIME_BUDGET} (no
 * attempt starts after it, no wait runs past it: writers of other processes that keep winning a hot
 * aggregate delay a dispatch, they do not make it give up after a small count); full-jitter backoff from {@link #DEFAULT_BACKOFF_BASE}
 * capped at {@link #DEFAULT_BACKOFF_CAP}; conflicts retried (never when the caller fixed the
 * expected version); throttling, unavailability and unknown outcomes retried; the head re-read
 * before a retry only when the conflict did not report the actual version.
 */
public final class RetryPolicy {
    public static final int DEFAULT_MAX_ATTEMPTS = 100;
    /** The time the attempts of one dispatch may take by default: 10 s. Keep it below the function's timeout. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(10);
    /** The ceiling of the first wait of the default full-jitter backoff: 5 ms. */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(5);
    /** The largest ceiling of the default full-jitter backoff: 1 s. */
    public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(1);

    private static final RetryPolicy DEFAULTS = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_TIME_BUDGET,
            Backoff.fullJitterExponential(DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP), true, true, false);

    private final int maxAttempts;
    private final Duration timeBudget;
    private final Backoff backoff;
    private final boolean retryConflicts;
    private final boolean retryTransientErrors;
    private final boolean rereadHead;

    private RetryPolicy(int maxAttempts, Duration timeBudget, Backoff backoff, boolean retryConflicts,
                        boolean retryTransientErrors, boolean rereadHead) {
        this.maxAttempts = maxAttempts;
        this.timeBudget = timeBudget;
        this.backoff = backoff;
        this.retryConflicts = retryConflicts;
        this.retryTransientErrors = retryTransientErrors;
        this.rereadHead = rereadHead;
    }

    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return custom().maxAttempts(1).build();
    }

    /**
     * The reference runtime's policy, for comparison: the head re-read before every try,
     * 5 retries (6 attempts, no time budget), waits of 1 s growing x1.5 up to 10 s without jitter.
     * (The reference also retries validation errors; that defect is not reproduced.)
     */
    public static RetryPolicy reference() {
        return custom().maxAttempts(6).noTimeBudget()
                .exponentialBackoff(Duration.ofSeconds(1), 1.5, Duration.ofSeconds(10))
                .rereadHead(true)
                .build();
    }

    public static Builder custom() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from {@code base}, for a variant of it. */
    public static Builder from(RetryPolicy base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** Attempts in all, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The time the attempts of one dispatch may take; empty when only {@link #maxAttempts} bounds them. */
    public Optional<Duration> timeBudget() {
        return Optional.ofNullable(timeBudget);
    }

    /** Whether concurrency conflicts are retried (never when the caller fixed the expected version). */
    public boolean retryConflicts() {
        return retryConflicts;
    }

    /** Whether throttling, unavailability and unknown outcomes are retried. */
    public boolean retryTransientErrors() {
        return retryTransientErrors;
    }

    /** Whether the head is read before every retry even when the conflict reported the actual version. */
    public boolean rereadHead() {
        return rereadHead;
    }

    /** The wait before each retry: machinery, hence not public (see the builder's backoff methods). */
    Backoff backoff() {
        return backoff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && maxAttempts == p.maxAttempts && Objects.equals(timeBudget, p.timeBudget)
                && backoff.equals(p.backoff)
                && retryConflicts == p.retryConflicts && retryTransientErrors == p.retryTransientErrors
                && rereadHead == p.rereadHead;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, timeBudget, backoff, retryConflicts, retryTransientErrors, rereadHead);
    }

    /** For example {@code RetryPolicy[maxAttempts=20, backoff=full jitter exponential (base 5 ms, cap 1000 ms), ...]}. */
    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", timeBudget=" + (timeBudget == null ? "none" : timeBudget)
                + ", backoff=" + backoff + ", retryConflicts=" + retryConflicts
                + ", retryTransientErrors=" + retryTransientErrors + ", rereadHead=" + rereadHead + "]";
    }

    /** Builds a {@link RetryPolicy}; values are checked in {@link #build()}. */
    public static final class Builder {
        private int maxAttempts;
        private Duration timeBudget;
        private Supplier<Backoff> backoff; // made in build(), where its values are checked
        private boolean retryConflicts;
        private boolean retryTransientErrors;
        private boolean rereadHead;

        private Builder(RetryPolicy base) {
            Backoff b = base.backoff;
            this.maxAttempts = base.maxAttempts;
            this.timeBudget = base.timeBudget;
            this.backoff = () -> b;
            this.retryConflicts = base.retryConflicts;
            this.retryTransientErrors = base.retryTransientErrors;
            this.rereadHead = base.rereadHead;
        }

        public Builder maxAttempts(int v) {
            this.maxAttempts = v;
            return this;
        }

        /** The time the attempts of one dispatch may take (positive); default {@link #DEFAULT_TIME_BUDGET}. */
        public Builder timeBudget(Duration v) {
            this.timeBudget = Objects.requireNonNull(v, "timeBudget");
            return this;
        }

        /** Only {@link #maxAttempts} bounds the attempts. */
        public Builder noTimeBudget() {
            this.timeBudget = null;
            return this;
        }

        /**
         * "Full jitter": before retry {@code n} a uniformly random wait in
         * {@code [0, min(cap, base * 2^(n-1))]}, which spreads competing writers apart so that most
         * retries find the aggregate free. The default, from 5 ms capped at 1 s.
         */
        public Builder fullJitterBackoff(Duration base, Duration cap) {
            this.backoff = () -> Backoff.fullJitterExponential(base, cap);
            return this;
        }

        /** Before retry {@code n} a wait of {@code min(cap, initial * multiplier^(n-1))}, no jitter. */
        public Builder exponentialBackoff(Duration initial, double multiplier, Duration cap) {
            this.backoff = () -> Backoff.exponential(initial, multiplier, cap);
            return this;
        }

        /** Retries at once, without a wait. */
        public Builder noBackoff() {
            this.backoff = Backoff::none;
            return this;
        }

        public Builder retryConflicts(boolean v) {
            this.retryConflicts = v;
            return this;
        }

        public Builder retryTransientErrors(boolean v) {
            this.retryTransientErrors = v;
            return this;
        }

        public Builder rereadHead(boolean v) {
            this.rereadHead = v;
            return this;
        }

        /** @throws InvalidInputException a value out of range: {@code maxAttempts}, or {@code backoff} naming the bad part */
        public RetryPolicy build() {
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", "must be at least 1, was " + maxAttempts);
            }
            Backoff b;
            try {
                b = backoff.get();
            } catch (InvalidInputException e) {
                throw new InvalidInputException("backoff", e.getMessage());
            }
            if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
                throw new InvalidInputException("timeBudget", "must be positive, was " + timeBudget);
            }
            return new RetryPolicy(maxAttempts, timeBudget, b, retryConflicts, retryTransientErrors, rereadHead);
        }
    }
}
