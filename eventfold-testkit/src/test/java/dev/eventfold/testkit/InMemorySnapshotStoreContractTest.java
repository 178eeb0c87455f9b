package dev.eventfold.testkit;

import dev.eventfold.aggregate.InMemorySnapshotStore;
import dev.eventfold.aggregate.SnapshotStore;

/** The snapshot contract against the in-memory store. */
class InMemorySnapshotStoreContractTest extends SnapshotStoreContract {
    private final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

    @Override
    protected SnapshotStore store() {
        return snapshots;
    }
}
