package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;

/**
 * The last version a projection has applied, per aggregate. {@link InMemoryCheckpointStore}
 * here, {@code DynamoDbCheckpointStore} in {@code eventfold-dynamodb}; implement it on the read
 * model's own database to commit checkpoints with the read model.
 */
public interface CheckpointStore {

    /** The last applied version; 0 when the projection has applied nothing of this aggregate. */
    long lastApplied(String projection, AggregateRef aggregate);

    /**
     * Moves the checkpoint from {@code expectedVersion} to {@code newVersion}, atomically.
     *
     * @throws CheckpointConflictException the checkpoint was not at {@code expectedVersion}
     *                                     (another worker applied events meanwhile)
     */
    void advance(String projection, AggregateRef aggregate, long expectedVersion, long newVersion);
}
