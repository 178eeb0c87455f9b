package dev.eventfold.dispatch;

import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.Page;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link InMemoryEventStore} that counts the calls a dispatcher makes, records every append
 * request, and fails appends on plan: the in-memory stand-in for RequestCounter and FaultInjector.
 */
public final class RecordingStore extends dev.eventfold.store.ForwardingEventStore {

    /** What to do to the next append. */
    public enum Fault {
        /** Nothing: lets a planned fault hit a later append. */
        NONE,
        /** Fail before appending, with a retryable kind. */
        THROTTLE,
        /** Append, then fail as if the answer was lost. */
        LOSE_RESPONSE,
        /** Fail for good. */
        REJECT,
        /** Another writer appends to the aggregate just before this append: it meets a conflict. */
        OTHER_WRITER_FIRST
    }

    public final InMemoryEventStore delegate;
    public final AtomicInteger appends = new AtomicInteger();
    public final AtomicInteger headReads = new AtomicInteger();
    public final List<AppendRequest> requests = new CopyOnWriteArrayList<>();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();

    public RecordingStore() {
        this(new InMemoryEventStore());
    }

    private RecordingStore(InMemoryEventStore store) {
        super(store);
        this.delegate = store;
    }

    public RecordingStore fail(Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(fault);
        }
        return this;
    }

    public int requestCount() {
        return appends.get() + headReads.get();
    }

    public void resetCounts() {
        appends.set(0);
        headReads.set(0);
        requests.clear();
    }

    @Override
    public AppendResult append(AppendRequest request) {
        appends.incrementAndGet();
        requests.add(request);
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            Fault fault = faults.poll();
            if (fault == Fault.THROTTLE) {
                throw new EventStoreException("TransactWriteItems", EventStoreException.Kind.THROTTLED, "injected", null);
            }
            if (fault == Fault.REJECT) {
                throw new EventStoreException("TransactWriteItems", EventStoreException.Kind.REJECTED, "injected", null);
            }
            if (fault == Fault.OTHER_WRITER_FIRST) {
                long head = delegate.currentVersion(request.aggregate());
                delegate.append(AppendRequest.of(request.aggregate(), head, dev.eventfold.core.NewEvent.builder()
                        .eventId("evt-other-" + head).eventType("Other.Wrote").build()));
            }
            AppendResult r = delegate.append(request);
            if (fault == Fault.LOSE_RESPONSE) {
                throw new EventStoreException("TransactWriteItems", EventStoreException.Kind.UNKNOWN_OUTCOME,
                        "response lost (injected)", null);
            }
            return r;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public Optional<AggregateHead> getHead(AggregateRef aggregate) {
        headReads.incrementAndGet();
        return delegate.getHead(aggregate);
    }





    public List<EventRecord> events(AggregateRef aggregate) {
        return delegate.readEvents(EventQuery.of(aggregate)).toList();
    }
}
