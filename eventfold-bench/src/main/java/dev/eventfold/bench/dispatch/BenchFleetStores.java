package dev.eventfold.bench.dispatch;

import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.IdempotencyRecords;
import dev.eventfold.testkit.fleet.FleetStoreFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store of each benchmark writer process: a {@link DynamoDbEventStore} on the writer's own
 * client with the store's defaults. Named with {@code --store-factory=dev.eventfold.bench.dispatch.BenchFleetStores}.
 */
public final class BenchFleetStores implements FleetStoreFactory {
    @Override
    public EventStore create(DynamoDbClient client, String table, IdempotencyRecords records) {
        return DynamoDbEventStore.builder().client(client).tableName(table).idempotencyRecords(records).build();
    }
}
