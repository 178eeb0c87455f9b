package dev.eventfold.dynamodb;

import dev.eventfold.store.EventStore;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.EventStoreContract;
import dev.eventfold.testkit.FaultInjector;
import dev.eventfold.testkit.RequestCounter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** The contract suite against DynamoDB (moto, or EVENTFOLD_TEST_ENDPOINT), through the real SDK. */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbEventStoreContractTest extends EventStoreContract {
    private final RequestCounter requests = new RequestCounter();
    private final FaultInjector faults = new FaultInjector();
    private DynamoDbClient inspector;
    private String table;
    private EventStore store;
    private boolean emulator;

    @BeforeAll
    void createTable(AwsTestEnvironment aws) {
        table = AwsTestEnvironment.uniqueName("contract");
        emulator = aws.isEmulator();
        inspector = aws.dynamoDb();
        EventTable.create(inspector, table);
        store = DynamoDbEventStore.builder().client(aws.dynamoDb(faults, requests)).tableName(table).build();
    }

    @Override
    protected EventStore store() {
        return store;
    }

    @Override
    protected void loseNextAppendResponse() {
        faults.next("TransactWriteItems", FaultInjector.Fault.LOSE_RESPONSE);
    }

    @Override
    protected long requestsSent() {
        return requests.total();
    }

    @Override
    protected long largestItemTheServiceAccepts() {
        // moto refuses items over 405,000 bytes of its own count; DynamoDB takes 400 KB (409,600).
        return emulator ? 400_000 : super.largestItemTheServiceAccepts();
    }

    @Override
    protected long storedItemCount() {
        return inspector.scanPaginator(b -> b.tableName(table).select(Select.COUNT)).stream()
                .mapToLong(r -> r.count()).sum();
    }
}
