package dev.eventfold.testkit;

import dev.eventfold.replay.InMemoryScanSource;
import dev.eventfold.replay.ScanSource;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;

/** The scan contract against the in-memory store's items. */
class InMemoryScanSourceContractTest extends ScanSourceContract {
    private InMemoryEventStore memory;

    @Override
    protected EventStore emptyStore() {
        memory = new InMemoryEventStore();
        return memory;
    }

    @Override
    protected ScanSource source(int pageSize) {
        return new InMemoryScanSource(memory, pageSize);
    }
}
