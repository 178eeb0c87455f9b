package dev.eventfold.testkit;

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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The contract suite against the in-memory store. */
class InMemoryEventStoreContractTest extends EventStoreContract {
    private final InMemoryEventStore memory = new InMemoryEventStore();
    private final AtomicBoolean loseNext = new AtomicBoolean();

    /** Commits through the real store, then loses the answer when asked to. */
    private final EventStore lossy = new EventStore() {
        @Override
        public AppendResult append(AppendRequest request) {
            AppendResult r = memory.append(request);
            if (loseNext.compareAndSet(true, false)) {
                throw new EventStoreException("append", EventStoreException.Kind.UNKNOWN_OUTCOME, "response lost (injected)", null);
            }
            return r;
        }

        @Override
        public Optional<AggregateHead> getHead(AggregateRef aggregate) {
            return memory.getHead(aggregate);
        }

        @Override
        public Optional<EventRecord> getEvent(AggregateRef aggregate, long version) {
            return memory.getEvent(aggregate, version);
        }

        @Override
        public Page<EventRecord> listEvents(EventQuery query) {
            return memory.listEvents(query);
        }

        @Override
        public Page<AggregateRef> listTenantAggregates(String tenantId, int limit, String cursor) {
            return memory.listTenantAggregates(tenantId, limit, cursor);
        }
    };

    @Override
    protected EventStore store() {
        return lossy;
    }

    @Override
    protected void loseNextAppendResponse() {
        loseNext.set(true);
    }

    @Override
    protected long requestsSent() {
        return 0;
    }

    @Override
    protected long storedItemCount() {
        // events plus one head per aggregate that has events
        return memory.allEvents().count() + memory.allEvents().map(EventRecord::pk).distinct().count();
    }
}
