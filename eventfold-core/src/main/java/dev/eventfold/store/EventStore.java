package dev.eventfold.store;

import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An append-only store of events, one stream per aggregate, with optimistic concurrency.
 * Implementations: {@link InMemoryEventStore} here, {@code DynamoDbEventStore} in
 * {@code eventfold-dynamodb}; both pass the same contract suite.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>An append is all or nothing: the head and every event of it land together.</li>
 *   <li>An append whose expected version is not the head's fails with
 *       {@link ConcurrencyConflictException} and writes nothing.</li>
 *   <li>Repeating an append that already landed (same idempotency key and first event id),
 *       whatever was appended since and whatever expected version the repeat carries, returns the
 *       original result with {@link AppendResult#alreadyAppended()} set, and writes nothing. An
 *       idempotency key reused for other events is refused with {@link InvalidInputException}.</li>
 *   <li>Bad input fails with {@link InvalidInputException} before any request.</li>
 *   <li>Other failures surface as {@link EventStoreException}, whose kind says whether to retry.</li>
 * </ul>
 */
public interface EventStore {

    AppendResult append(AppendRequest request);

    Optional<AggregateHead> getHead(AggregateRef aggregate);

    Optional<EventRecord> getEvent(AggregateRef aggregate, long version);

    Page<EventRecord> listEvents(EventQuery query);

    /**
     * The append made with this idempotency key, if the store still knows it: from its idempotency
     * record, or from the head when that append is the latest. Lets a caller that is about to
     * decide again (a retried command) learn that it already succeeded.
     */
    Optional<AppendResult> findAppend(AggregateRef aggregate, String idempotencyKey);

    /**
     * The aggregates that have events with this tenant id, ordered by partition key, through the
     * table's {@code tenantIndex}.
     *
     * @param limit  at most this many aggregates, at least 1
     * @param cursor a previous page's cursor, or null
     */
    Page<AggregateRef> listTenantAggregates(String tenantId, int limit, String cursor);

    default AppendResult appendEvent(AggregateRef aggregate, long expectedVersion, NewEvent event) {
        return append(AppendRequest.of(aggregate, expectedVersion, event));
    }

    /** Several events to one aggregate in one transaction: all land or none. */
    default AppendResult appendEvents(AggregateRef aggregate, long expectedVersion, List<NewEvent> events) {
        return append(AppendRequest.of(aggregate, expectedVersion, events));
    }

    /** The reference runtime's signature; nulls mean "not given". */
    default Page<EventRecord> listEvents(String aggregateType, String aggregateId, Long fromVersionExclusive,
                                         Long toVersionInclusive, Integer limit, String cursor) {
        return listEvents(EventQuery.of(AggregateRef.of(aggregateType, aggregateId), fromVersionExclusive,
                toVersionInclusive, limit, cursor));
    }

    /** The version of the aggregate's head; 0 when it has no events. */
    default long currentVersion(AggregateRef aggregate) {
        return getHead(aggregate).map(AggregateHead::currentVersion).orElse(0L);
    }

    /**
     * Every event matching the query, following cursors page by page as the stream is consumed.
     * The query's limit is the page size.
     */
    default Stream<EventRecord> readEvents(EventQuery query) {
        Iterator<EventRecord> it = new Iterator<>() {
            private Page<EventRecord> page = listEvents(query);
            private int index;

            @Override
            public boolean hasNext() {
                while (index >= page.data().size() && page.hasMore()) {
                    page = listEvents(query.continueFrom(page.cursor()));
                    index = 0;
                }
                return index < page.data().size();
            }

            @Override
            public EventRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.data().get(index++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
