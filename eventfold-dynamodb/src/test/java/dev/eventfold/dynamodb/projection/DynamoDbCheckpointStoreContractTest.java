package dev.eventfold.dynamodb.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.projection.TransactionalCheckpointStore;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.CheckpointStoreContract;
import dev.eventfold.testkit.RequestCounter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The checkpoint contract against DynamoDB (moto, or EVENTFOLD_TEST_ENDPOINT), through the real
 * SDK. The read model is the checkpoint table itself: a mark is an item {@code MARK#<mark>}.
 */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbCheckpointStoreContractTest extends CheckpointStoreContract.Transactional<TransactWriteItem> {
    private final RequestCounter requests = new RequestCounter();
    private DynamoDbClient inspector;
    private String table;
    private DynamoDbCheckpointStore checkpoints;

    @BeforeAll
    void createTable(AwsTestEnvironment aws) {
        table = AwsTestEnvironment.uniqueName("checkpoints");
        inspector = aws.dynamoDb();
        EventTable.create(inspector, table); // any pk/sk table will do
        checkpoints = DynamoDbCheckpointStore.builder().client(aws.dynamoDb(requests)).tableName(table).build();
    }

    @Override
    protected TransactionalCheckpointStore<TransactWriteItem> store() {
        return checkpoints;
    }

    @Override
    protected void reset(String projection) {
        checkpoints.reset(projection);
    }

    @Override
    protected long requestsSent() {
        return requests.total();
    }

    @Override
    protected TransactWriteItem mark(String mark) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(markKey(mark))).build();
    }

    @Override
    protected TransactWriteItem refusedWrite() {
        // A condition on an item that does not exist: the read model's own check fails.
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(markKey("missing-" + UUID.randomUUID())).conditionExpression("attribute_exists(pk)")).build();
    }

    @Override
    protected boolean isMarked(String mark) {
        return inspector.getItem(g -> g.tableName(table).key(markKey(mark)).consistentRead(true)).hasItem();
    }

    private static Map<String, AttributeValue> markKey(String mark) {
        return Map.of("pk", AttributeValue.fromS("MARK#" + mark), "sk", AttributeValue.fromS("MARK"));
    }

    @Test
    void a_write_refused_by_its_own_condition_is_a_rejected_transaction_not_a_conflict() {
        String p = newProjection();
        AggregateRef a = newAggregate("wallet");

        assertThatThrownBy(() -> checkpoints.advanceWith(p, a, 0, 1, List.of(refusedWrite())))
                .isInstanceOfSatisfying(EventStoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EventStoreException.Kind.REJECTED);
                    assertThat(e.isRetryable()).isFalse();
                });
        assertThat(checkpoints.lastApplied(p, a)).isZero();
    }
}
