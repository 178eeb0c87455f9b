package dev.eventfold.dispatch;

import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * When a dispatch tries again. Only what can succeed on a retry is retried: a
 * {@link ConcurrencyConflictException} (with the version the store reported, or a re-read head)
 * and a retryable {@link EventStoreException} (throttling, 5xx, unknown outcome: the very same
 * append again). Bad input and rejected requests are never retried.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.custom()
 *     .maxAttempts(8)
 *     .backoff(Backoff.fullJitterExponential(Duration.ofMillis(10), Duration.ofMillis(500)))
 *     .build();
 * RetryPolicy lenient = RetryPolicy.from(policy).maxAttempts(20).build();
 * }</pre>
 *
 * @param maxAttempts          attempts in all, the first included; default {@value #DEFAULT_MAX_ATTEMPTS}
 * @param backoff              the wait before each retry; default full jitter from 5 ms, capped at 1 s
 * @param retryConflicts       retry concurrency conflicts; default true (never when the caller fixed the
 *                             expected version)
 * @param retryTransientErrors retry throttling, unavailability and unknown outcomes; default true
 * @param rereadHead           read the head before every retry even when the conflict reported the
 *                             actual version (the reference runtime's way); default false
 */
public record RetryPolicy(int maxAttempts, Backoff backoff, boolean retryConflicts, boolean retryTransientErrors,
                          boolean rereadHead) {
    public static final int DEFAULT_MAX_ATTEMPTS = 20;
    public static final Backoff DEFAULT_BACKOFF =
            Backoff.fullJitterExponential(Duration.ofMillis(5), Duration.ofSeconds(1));

    private static final RetryPolicy DEFAULTS = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, true, true, false);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new InvalidInputException("maxAttempts", "must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(backoff, "backoff");
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
     * 5 retries (6 attempts), waits of 1 s growing x1.5 up to 10 s without jitter. (The reference
     * also retries validation errors; that defect is not reproduced.)
     */
    public static RetryPolicy reference() {
        return custom().maxAttempts(6)
                .backoff(Backoff.exponential(Duration.ofSeconds(1), 1.5, Duration.ofSeconds(10)))
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

    /** Builds a {@link RetryPolicy}; values are checked in {@link #build()}. */
    public static final class Builder {
        private int maxAttempts;
        private Backoff backoff;
        private boolean retryConflicts;
        private boolean retryTransientErrors;
        private boolean rereadHead;

        private Builder(RetryPolicy base) {
            this.maxAttempts = base.maxAttempts;
            this.backoff = base.backoff;
            this.retryConflicts = base.retryConflicts;
            this.retryTransientErrors = base.retryTransientErrors;
            this.rereadHead = base.rereadHead;
        }

        public Builder maxAttempts(int v) {
            this.maxAttempts = v;
            return this;
        }

        public Builder backoff(Backoff v) {
            this.backoff = v;
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

        public RetryPolicy build() {
            if (backoff == null) {
                throw new InvalidInputException("backoff", "must not be null");
            }
            return new RetryPolicy(maxAttempts, backoff, retryConflicts, retryTransientErrors, rereadHead);
        }
    }
}
