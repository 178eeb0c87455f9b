package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import java.util.List;

/**
 * A {@link CheckpointStore} that can commit a projection's writes and the checkpoint in one
 * transaction: either both happen or neither, so an event's effect lands exactly once even when
 * workers crash or race. {@code W} is the store's write type, e.g. DynamoDB's
 * {@code TransactWriteItem}: {@code DynamoDbCheckpointStore} sends one TransactWriteItems of the
 * writes plus a conditional update of the checkpoint item.
 */
public interface TransactionalCheckpointStore<W> extends CheckpointStore {

    /**
     * Applies {@code writes} and moves the checkpoint from {@code expectedVersion} to
     * {@code newVersion}, all or nothing.
     *
     * @throws CheckpointConflictException the checkpoint was not at {@code expectedVersion}; nothing was written
     */
    void advanceWith(String projection, AggregateRef aggregate, long expectedVersion, long newVersion, List<W> writes);
}
