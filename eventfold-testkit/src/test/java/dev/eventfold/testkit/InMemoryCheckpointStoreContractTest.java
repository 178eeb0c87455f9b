package dev.eventfold.testkit;

import dev.eventfold.projection.InMemoryCheckpointStore;
import dev.eventfold.projection.TransactionalCheckpointStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The checkpoint contract against the in-memory store; its read model is a set of marks. */
class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract.Transactional<Runnable> {
    private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
    private final Set<String> readModel = ConcurrentHashMap.newKeySet();

    @Override
    protected TransactionalCheckpointStore<Runnable> store() {
        return checkpoints;
    }

    @Override
    protected void reset(String projection) {
        checkpoints.reset(projection);
    }

    @Override
    protected long requestsSent() {
        return 0;
    }

    @Override
    protected Runnable mark(String mark) {
        // With its undo, as the store's documentation asks, so that a later failure reverts it.
        return InMemoryCheckpointStore.write(() -> readModel.add(mark), () -> readModel.remove(mark));
    }

    @Override
    protected Runnable refusedWrite() {
        return () -> {
            throw new IllegalStateException("read model refused the write (contract)");
        };
    }

    @Override
    protected boolean isMarked(String mark) {
        return readModel.contains(mark);
    }
}
