package dev.eventfold.projection;

import dev.eventfold.core.EventRecord;
import java.util.List;

/**
 * Computes a read model's writes for one event without performing them: the
 * {@link TransactionalCheckpointStore} commits them together with the checkpoint.
 *
 * <pre>{@code
 * TransactionalProjectionHandler<TransactWriteItem> balances = event -> List.of(
 *     TransactWriteItem.builder().update(u -> u.tableName("balances")
 *         .key(Map.of("walletId", s(event.aggregateId())))
 *         .updateExpression("ADD balance :amt")
 *         .expressionAttributeValues(Map.of(":amt", n(amountOf(event))))).build());
 * }</pre>
 */
@FunctionalInterface
public interface TransactionalProjectionHandler<W> {
    List<W> writesFor(EventRecord event);
}
