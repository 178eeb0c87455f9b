package dev.eventfold.dynamodb.scan;

import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.replay.ScanSource;
import dev.eventfold.store.EventStore;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.ScanSourceContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The scan contract against DynamoDB (moto, or EVENTFOLD_TEST_ENDPOINT): a table of its own per
 * test, so that a scan sees exactly what the test wrote; consistent reads, as right after writes.
 */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbScanSourceContractTest extends ScanSourceContract {
    private DynamoDbClient ddb;
    private String table;

    @BeforeAll
    void client(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb();
    }

    @Override
    protected EventStore emptyStore() {
        table = AwsTestEnvironment.uniqueName("scan-contract");
        EventTable.create(ddb, table);
        return DynamoDbEventStore.builder().client(ddb).tableName(table).build();
    }

    @Override
    protected ScanSource source(int pageSize) {
        return DynamoDbScanSource.builder().client(ddb).tableName(table).pageLimit(pageSize).consistentRead(true).build();
    }

    @AfterEach
    void dropTable() {
        if (table != null) {
            ddb.deleteTable(d -> d.tableName(table));
            table = null;
        }
    }
}
