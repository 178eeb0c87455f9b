package dev.eventfold.replay;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which stored events a replay republishes.
 *
 * <pre>{@code
 * ReplaySelector.aggregate(AggregateRef.of("wallet", "wal_1"))
 * ReplaySelector.tenant("t-42")
 * ReplaySelector.eventTypes(Set.of("Wallet.Funded"), from, to, 4)   // parallel scan in 4 segments
 * }</pre>
 */
public sealed interface ReplaySelector permits ReplaySelector.Aggregate, ReplaySelector.Tenant, ReplaySelector.TypeAndTime {

    /** A stable description; a checkpoint only resumes the selection it was made for. */
    String describe();

    static Aggregate aggregate(AggregateRef aggregate) {
        return new Aggregate(aggregate, 0, Keys.MAX_VERSION);
    }

    static Tenant tenant(String tenantId) {
        return new Tenant(tenantId);
    }

    static TypeAndTime eventTypes(Set<String> eventTypes, Instant from, Instant to, int totalSegments) {
        return new TypeAndTime(eventTypes, from, to, totalSegments);
    }

    /** One aggregate's events in a version range. */
    record Aggregate(AggregateRef aggregate, long fromVersionExclusive, long toVersionInclusive) implements ReplaySelector {
        public Aggregate {
            if (aggregate == null) {
                throw new InvalidInputException("aggregate", "must not be null");
            }
            if (fromVersionExclusive < 0 || toVersionInclusive > Keys.MAX_VERSION || fromVersionExclusive >= toVersionInclusive) {
                throw new InvalidInputException("versions", "need 0 <= from < to <= " + Keys.MAX_VERSION + ", got "
                        + fromVersionExclusive + ".." + toVersionInclusive);
            }
        }

        public Aggregate versions(long fromExclusive, long toInclusive) {
            return new Aggregate(aggregate, fromExclusive, toInclusive);
        }

        @Override
        public String describe() {
            return "aggregate " + aggregate.pk() + " versions (" + fromVersionExclusive + ", " + toVersionInclusive + "]";
        }
    }

    /** Every event of the tenant's aggregates (found through the tenantIndex), aggregate by aggregate. */
    record Tenant(String tenantId) implements ReplaySelector {
        public Tenant {
            tenantId = Keys.requireNonBlank("tenantId", tenantId);
        }

        @Override
        public String describe() {
            return "tenant " + tenantId;
        }
    }

    /**
     * Events of some types (all types when empty) that occurred in {@code [from, to)} (unbounded
     * where null), found by a parallel scan of the whole table in {@code totalSegments} segments.
     * Events without a readable {@code occurredAt} match only an unbounded range.
     */
    record TypeAndTime(Set<String> eventTypes, Instant from, Instant to, int totalSegments) implements ReplaySelector {
        /** DynamoDB's Scan accepts up to 1,000,000 segments; far more than a replay needs. */
        public static final int MAX_SEGMENTS = 1_000;

        public TypeAndTime {
            eventTypes = eventTypes == null ? Set.of() : Set.copyOf(eventTypes);
            for (String t : eventTypes) {
                Keys.requireNonBlank("eventTypes", t);
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw new InvalidInputException("from", from + " is not before " + to);
            }
            if (totalSegments < 1 || totalSegments > MAX_SEGMENTS) {
                throw new InvalidInputException("totalSegments", "must be in 1.." + MAX_SEGMENTS + ", was " + totalSegments);
            }
        }

        public boolean matches(String eventType, Instant occurredAt) {
            if (!eventTypes.isEmpty() && !eventTypes.contains(eventType)) {
                return false;
            }
            if (from == null && to == null) {
                return true;
            }
            if (occurredAt == null) {
                return false;
            }
            return (from == null || !occurredAt.isBefore(from)) && (to == null || occurredAt.isBefore(to));
        }

        @Override
        public String describe() {
            return "types " + new TreeSet<>(eventTypes) + " from " + from + " to " + to + " in " + totalSegments + " segments";
        }
    }
}
