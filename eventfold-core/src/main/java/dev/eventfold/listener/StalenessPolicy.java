package dev.eventfold.listener;

import dev.eventfold.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The reference's {@code {maxAgeMs, onStale}}: an event older than {@code maxAge} is stale and
 * gets {@code onStale}. {@link #NONE} (no limit, process normally) is the default.
 *
 * <pre>{@code
 * StalenessPolicy.of(Duration.ofMinutes(5), OnStale.SKIP)
 * }</pre>
 *
 * @param maxAge the largest age that is still fresh; empty for no limit
 */
public record StalenessPolicy(Optional<Duration> maxAge, OnStale onStale) {
    public static final StalenessPolicy NONE = new StalenessPolicy(Optional.empty(), OnStale.PROCESS_NORMALLY);

    public StalenessPolicy {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(onStale, "onStale");
        maxAge.ifPresent(d -> {
            if (d.isNegative()) {
                throw new InvalidInputException("maxAge", "must not be negative, was " + d);
            }
        });
    }

    public static StalenessPolicy of(Duration maxAge, OnStale onStale) {
        return new StalenessPolicy(Optional.of(Objects.requireNonNull(maxAge, "maxAge")), onStale);
    }

    /**
     * An event's age as the reference computes it: now minus occurredAt, and 0 when occurredAt
     * is missing, unparseable or in the future (clock skew must not make events stale, WIRE.md
     * section 7). Saturates at {@link Long#MAX_VALUE} for an occurredAt so far in the past that
     * the milliseconds do not fit a long (e.g. {@code -999999999-01-01T00:00:00Z}): such an event
     * is as stale as can be, and one odd timestamp must not fail its batch.
     */
    public static long ageMillis(Optional<Instant> occurredAt, Instant now) {
        return occurredAt.map(at -> ageMillis(at, now)).orElse(0L);
    }

    private static long ageMillis(Instant at, Instant now) {
        if (!at.isBefore(now)) {
            return 0L;
        }
        try {
            return Duration.between(at, now).toMillis();
        } catch (ArithmeticException tooOld) {
            return Long.MAX_VALUE;
        }
    }

    /** True when an event of this age is stale under this policy. */
    public boolean isStale(long ageMillis) {
        return maxAge.isPresent() && ageMillis > maxAge.get().toMillis();
    }
}
