package dev.eventfold.store;

import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.Page;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A thread-safe {@link EventStore} in memory, with the semantics of the DynamoDB store:
 * optimistic concurrency, idempotent repeats, all-or-nothing multi-event appends, the same
 * size limits and paging. For unit tests and the embedded runtime.
 *
 * <pre>{@code
 * EventStore store = new InMemoryEventStore();
 * store.appendEvent(AggregateRef.of("wallet", "wal_1"), 0, funded);
 * }</pre>
 */
public final class InMemoryEventStore implements EventStore {

    private final Clock clock;
    private final IdempotencyRecords records;
    private final Map<String, Stream_> streams = new ConcurrentHashMap<>();
    private final Map<String, NavigableSet<String>> tenants = new ConcurrentSkipListMap<>();
    private final List<Consumer<List<EventRecord>>> appendListeners = new CopyOnWriteArrayList<>();

    public InMemoryEventStore() {
        this(Clock.systemUTC());
    }

    public InMemoryEventStore(Clock clock) {
        this(clock, IdempotencyRecords.CALLER_KEYS);
    }

    /** @param records when an append keeps an idempotency record, as {@code DynamoDbEventStore} does */
    public InMemoryEventStore(Clock clock, IdempotencyRecords records) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.records = Objects.requireNonNull(records, "records");
    }

    /**
     * Calls {@code listener} with the events of every append that lands, in commit order per
     * aggregate, on the appending thread: the in-memory counterpart of the table's stream.
     */
    public void onAppend(Consumer<List<EventRecord>> listener) {
        appendListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public AppendResult append(AppendRequest request) {
        PreparedAppend prepared = PreparedAppend.of(request, clock.instant());
        Stream_ stream = streams.computeIfAbsent(request.aggregate().pk(), pk -> new Stream_(request.aggregate()));
        synchronized (stream) {
            long current = stream.events.size();
            ObjectNode earlier = stream.idempotency.get(request.idempotencyKey());
            if (earlier != null) {
                return prepared.repeatOf(earlier);
            }
            Optional<AppendResult> onHead = stream.head == null ? Optional.empty() : prepared.repeatOf(stream.head);
            if (onHead.isPresent()) {
                return onHead.get();
            }
            if (current > request.expectedVersion()
                    && stream.events.get((int) request.expectedVersion()).eventId().equals(request.firstEvent().eventId())) {
                // The versions this append claims hold its own first event: it had landed (as the
                // DynamoDB store reads it from the cancelled transaction).
                return prepared.result(true);
            }
            if (current != request.expectedVersion()) {
                throw new ConcurrencyConflictException(request.aggregate(), request.expectedVersion(),
                        OptionalLong.of(current));
            }
            stream.events.addAll(prepared.records());
            if (records.recordFor(request)) {
                stream.idempotency.put(request.idempotencyKey(), prepared.idempotencyRecord());
            }
            stream.head = new AggregateHead(request.aggregate(), request.lastVersion(),
                    request.lastEvent().eventId(), request.idempotencyKey(), prepared.updatedAt());
            for (EventRecord r : prepared.records()) {
                if (r.tenantId() != null) {
                    tenants.computeIfAbsent(r.tenantId(), t -> new ConcurrentSkipListSet<>()).add(r.pk());
                }
            }
            for (Consumer<List<EventRecord>> l : appendListeners) {
                l.accept(prepared.records());
            }
        }
        return prepared.result(false);
    }

    @Override
    public Optional<AggregateHead> getHead(AggregateRef aggregate) {
        Stream_ s = streams.get(aggregate.pk());
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            return Optional.ofNullable(s.head);
        }
    }

    @Override
    public Optional<EventRecord> getEvent(AggregateRef aggregate, long version) {
        Keys.requireVersion("version", version);
        Stream_ s = streams.get(aggregate.pk());
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            return version <= s.events.size() ? Optional.of(copy(s.events.get((int) version - 1))) : Optional.empty();
        }
    }

    @Override
    public Optional<AppendResult> findAppend(AggregateRef aggregate, String idempotencyKey) {
        Keys.idempotencySk(idempotencyKey);
        Stream_ s = streams.get(aggregate.pk());
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            ObjectNode record = s.idempotency.get(idempotencyKey);
            if (record != null) {
                return Optional.of(PreparedAppend.resultOf(aggregate, record));
            }
            return s.head == null ? Optional.empty() : PreparedAppend.latestAppendWithKey(s.head, idempotencyKey);
        }
    }

    /** Readers get their own payload: the stored event cannot be changed through a returned record. */
    private static EventRecord copy(EventRecord e) {
        return e.payload().isContainerNode() ? e.withPayload(e.schemaVersion(), e.payload().deepCopy()) : e;
    }

    @Override
    public Page<EventRecord> listEvents(EventQuery query) {
        Stream_ s = streams.get(query.aggregate().pk());
        if (s == null || query.isEmptyRange()) {
            return Page.last(List.of());
        }
        synchronized (s) {
            long first = query.firstVersion();
            long last = Math.min(query.toVersionInclusive(), s.events.size());
            if (first > last) {
                return Page.last(List.of());
            }
            long end = query.hasLimit() ? Math.min(last, first + query.limit() - 1) : last;
            List<EventRecord> data = new ArrayList<>((int) (end - first + 1));
            for (EventRecord e : s.events.subList((int) first - 1, (int) end)) {
                data.add(copy(e));
            }
            return new Page<>(data, end < last ? Keys.eventSk(end) : null);
        }
    }

    @Override
    public Page<AggregateRef> listTenantAggregates(String tenantId, int limit, String cursor) {
        Keys.requireNonBlank("tenantId", tenantId);
        if (limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1, was " + limit);
        }
        NavigableSet<String> pks = tenants.get(tenantId);
        if (pks == null) {
            return Page.last(List.of());
        }
        NavigableSet<String> rest = cursor == null ? pks : pks.tailSet(cursor, false);
        List<AggregateRef> data = new ArrayList<>();
        String lastPk = null;
        for (String pk : rest) {
            if (data.size() == limit) {
                return new Page<>(data, lastPk);
            }
            data.add(AggregateRef.fromPk(pk));
            lastPk = pk;
        }
        return Page.last(data);
    }

    /** Every event of every aggregate, aggregate by aggregate in version order: the in-memory "scan". */
    public Stream<EventRecord> allEvents() {
        return streams.values().stream().flatMap(s -> {
            synchronized (s) {
                return new ArrayList<>(s.events).stream();
            }
        });
    }

    /** One aggregate's events and head, guarded by the stream's own monitor. */
    private static final class Stream_ {
        final AggregateRef aggregate;
        final List<EventRecord> events = new ArrayList<>();
        /** Idempotency key to the record of the append made with it, as the table keeps {@code IDEM#} items. */
        final Map<String, ObjectNode> idempotency = new java.util.HashMap<>();
        AggregateHead head;

        Stream_(AggregateRef aggregate) {
            this.aggregate = aggregate;
        }
    }
}
