package dev.eventfold.store;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;

/**
 * Which events of one aggregate to list (WIRE.md section 5), ascending by version.
 *
 * <pre>{@code
 * EventQuery.of(wallet).after(5).through(10).limit(100)
 * EventQuery.of(wallet).limit(100).continueFrom(page.cursor())
 * }</pre>
 *
 * @param fromVersionExclusive 0 for the beginning
 * @param toVersionInclusive   {@link Keys#MAX_VERSION} for the end
 * @param limit                at most this many events per page; 0 for no limit (DynamoDB then pages at 1 MB)
 * @param cursor               a page's cursor (the sort key of its last event) to continue after; null to start
 */
public record EventQuery(AggregateRef aggregate, long fromVersionExclusive, long toVersionInclusive, int limit,
                         String cursor) {

    public EventQuery {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        if (fromVersionExclusive < 0 || fromVersionExclusive > Keys.MAX_VERSION) {
            throw new InvalidInputException("fromVersionExclusive", fromVersionExclusive + " is outside 0.." + Keys.MAX_VERSION);
        }
        if (toVersionInclusive < 0 || toVersionInclusive > Keys.MAX_VERSION) {
            throw new InvalidInputException("toVersionInclusive", toVersionInclusive + " is outside 0.." + Keys.MAX_VERSION);
        }
        if (limit < 0) {
            throw new InvalidInputException("limit", "must be positive, or 0 for no limit; was " + limit);
        }
        if (cursor != null) {
            Keys.versionOf(cursor); // throws InvalidInputException(Attributes.SK) for anything but EVT#<9 digits>
        }
    }

    public static EventQuery of(AggregateRef aggregate) {
        return new EventQuery(aggregate, 0, Keys.MAX_VERSION, 0, null);
    }

    /**
     * The reference runtime's parameters; nulls mean "not given".
     */
    public static EventQuery of(AggregateRef aggregate, Long fromVersionExclusive, Long toVersionInclusive,
                                Integer limit, String cursor) {
        return new EventQuery(aggregate, fromVersionExclusive == null ? 0 : fromVersionExclusive,
                toVersionInclusive == null ? Keys.MAX_VERSION : toVersionInclusive, limit == null ? 0 : limit, cursor);
    }

    public EventQuery after(long versionExclusive) {
        return new EventQuery(aggregate, versionExclusive, toVersionInclusive, limit, cursor);
    }

    public EventQuery through(long versionInclusive) {
        return new EventQuery(aggregate, fromVersionExclusive, versionInclusive, limit, cursor);
    }

    public EventQuery limit(int n) {
        if (n < 1) {
            throw new InvalidInputException("limit", "must be at least 1, was " + n);
        }
        return new EventQuery(aggregate, fromVersionExclusive, toVersionInclusive, n, cursor);
    }

    public EventQuery continueFrom(String pageCursor) {
        return new EventQuery(aggregate, fromVersionExclusive, toVersionInclusive, limit, pageCursor);
    }

    /**
     * Lower bound of the sort-key range: {@code EVT#000000000} from the start, else
     * {@code EVT#<first version>} after {@code fromVersionExclusive} and the cursor.
     */
    public String fromSk() {
        long first = firstVersion();
        return first <= 1 ? Keys.FIRST_EVENT_SK : Keys.eventSk(Math.min(first, Keys.MAX_VERSION));
    }

    /** Upper bound of the sort-key range: {@code EVT#999999999} or {@code EVT#<to>}. */
    public String toSk() {
        return Keys.eventSk(toVersionInclusive);
    }

    /** The first version this page may return, cursor included. */
    public long firstVersion() {
        long afterCursor = cursor == null ? 0 : Keys.versionOf(cursor);
        return Math.max(fromVersionExclusive, afterCursor) + 1;
    }

    /** True when no version can match, so a store answers without a request. */
    public boolean isEmptyRange() {
        return firstVersion() > toVersionInclusive;
    }

    public boolean hasLimit() {
        return limit > 0;
    }
}
