package dev.eventfold.aggregate;

import dev.eventfold.core.AggregateRef;
import java.util.Optional;

/**
 * Where snapshots live: {@link InMemorySnapshotStore} here, {@code DynamoDbSnapshotStore}
 * (items in the aggregate's own partition) in {@code eventfold-dynamodb}.
 *
 * <p>Snapshots are a cache of a fold: a store may lose or refuse one at any time, and loads
 * stay correct (only slower).
 */
public interface SnapshotStore {

    /** The snapshot with the highest version, if any. */
    Optional<Snapshot> latest(AggregateRef aggregate);

    /** Stores a snapshot; saving one at a version that already has one replaces it. */
    void save(Snapshot snapshot);
}
