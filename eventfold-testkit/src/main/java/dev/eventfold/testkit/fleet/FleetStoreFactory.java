package dev.eventfold.testkit.fleet;

import dev.eventfold.store.EventStore;
import dev.eventfold.store.IdempotencyRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the {@link EventStore} a {@link FleetWriter} process dispatches to. The testkit cannot
 * depend on {@code eventfold-dynamodb} (whose tests depend on the testkit), so the module that
 * runs a fleet names its implementation with {@code --store-factory=<class>}; it needs a public
 * no-argument constructor.
 *
 * <pre>{@code
 * public final class DynamoDbFleetStores implements FleetStoreFactory {
 *     public EventStore create(DynamoDbClient client, String table, IdempotencyRecords records) {
 *         return DynamoDbEventStore.builder().client(client).tableName(table)
 *                 .idempotencyRecords(records).build();
 *     }
 * }
 * }</pre>
 */
public interface FleetStoreFactory {
    /**
     * @param client             the writer's own client (endpoint, timeouts, interceptors set)
     * @param records when the store writes an idempotency record beside an append
     */
    EventStore create(DynamoDbClient client, String table, IdempotencyRecords records);
}
