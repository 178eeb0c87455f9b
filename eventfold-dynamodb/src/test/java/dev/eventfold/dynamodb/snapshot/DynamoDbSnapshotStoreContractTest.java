package dev.eventfold.dynamodb.snapshot;

import dev.eventfold.aggregate.SnapshotStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.SnapshotStoreContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The snapshot contract against DynamoDB (moto, or EVENTFOLD_TEST_ENDPOINT), with the default pruning. */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbSnapshotStoreContractTest extends SnapshotStoreContract {
    private SnapshotStore snapshots;

    @BeforeAll
    void createTable(AwsTestEnvironment aws) {
        String table = AwsTestEnvironment.uniqueName("snapshots");
        EventTable.create(aws.dynamoDb(), table);
        snapshots = DynamoDbSnapshotStore.builder().client(aws.dynamoDb()).tableName(table).build();
    }

    @Override
    protected SnapshotStore store() {
        return snapshots;
    }
}
