package dev.eventfold.dynamodb.fleet;

import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.IdempotencyRecords;
import dev.eventfold.testkit.fleet.FleetStoreFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store each fleet writer process dispatches to: a {@link DynamoDbEventStore} on the writer's
 * own client, otherwise with the store's defaults. Named on the writer's command line with
 * {@code --store-factory=dev.eventfold.dynamodb.fleet.DynamoDbFleetStores}.
 */
public final class DynamoDbFleetStores implements FleetStoreFactory {
    @Override
    public EventStore create(DynamoDbClient client, String table, IdempotencyRecords records) {
        return DynamoDbEventStore.builder().client(client).tableName(table).idempotencyRecords(records).build();
    }
}
