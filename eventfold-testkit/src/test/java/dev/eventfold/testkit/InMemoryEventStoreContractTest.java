package dev.eventfold.testkit;

import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.ForwardingEventStore;
import dev.eventfold.store.InMemoryEventStore;
import java.util.concurrent.atomic.AtomicBoolean;

/** The contract suite against the in-memory store. */
class InMemoryEventStoreContractTest extends EventStoreContract {
    private final InMemoryEventStore memory = new InMemoryEventStore();
    private final AtomicBoolean loseNext = new AtomicBoolean();

    /** Commits through the real store, then loses the answer when asked to. */
    private final EventStore lossy = new ForwardingEventStore(memory) {
        @Override
        public AppendResult append(AppendRequest request) {
            AppendResult r = super.append(request);
            if (loseNext.compareAndSet(true, false)) {
                throw new EventStoreException("append", EventStoreException.Kind.UNKNOWN_OUTCOME, "response lost (injected)", null);
            }
            return r;
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
