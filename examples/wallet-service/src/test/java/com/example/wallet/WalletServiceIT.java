package com.example.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.eventfold.aws.LocalRunner;
import dev.eventfold.aws.SqsQueuePublisher;
import dev.eventfold.aws.StreamPoller;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.DynamoDbSettings;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.dynamodb.projection.DynamoDbCheckpointStore;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.RequestCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The deployed path on moto, with the resources of {@code template.yaml}: the command handler
 * appends to the event table, the stream is read by the {@link LocalRunner} into the fan-out (the
 * code of the prebuilt fan-out function) and on to the FIFO queue, and the queue is handed to the
 * listener's {@code handleRequest(SQSEvent, Context)} as the event source mapping does, which
 * projects into the read-model table. Both handlers are wired by {@link Wiring}, as the functions are.
 */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalletServiceIT {
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    final RequestCounter apiRequests = new RequestCounter();
    final RequestCounter listenerRequests = new RequestCounter();
    DynamoDbClient ddb;
    SqsClient sqs;
    String eventsTable;
    String readModelTable;
    String queueUrl;
    String deadLetterUrl;
    WalletApiHandler api;
    BalanceProjectionHandler listener;
    BalanceTable balances;
    StreamFanOut fanOut;
    LocalRunner runner;
    final List<QueueMessage> delivered = new ArrayList<>();
    final List<SQSBatchResponse> responses = new ArrayList<>();

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb();
        sqs = aws.sqs();
        eventsTable = AwsTestEnvironment.uniqueName("wallet-events");
        readModelTable = AwsTestEnvironment.uniqueName("wallet-read-model");
        EventTable.create(ddb, eventsTable);
        ddb.createTable(t -> t.tableName(readModelTable).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        String name = AwsTestEnvironment.uniqueName("wallet-events");
        deadLetterUrl = sqs.createQueue(q -> q.queueName(name + "-dlq.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String deadLetterArn = sqs.getQueueAttributes(a -> a.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(q -> q.queueName(name + ".fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, "180",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"5\"}")))
                .queueUrl();

        // The functions' environment, as template.yaml sets it; a client of our own per function, to count its requests.
        Map<String, String> env = Map.of(Wiring.EVENT_TABLE_NAME, eventsTable, Wiring.READ_MODEL_TABLE_NAME, readModelTable);
        api = new WalletApiHandler(Wiring.of(env, DynamoDbSettings.builder().client(aws.dynamoDb(apiRequests))).dispatcher());
        listener = new BalanceProjectionHandler(
                Wiring.of(env, DynamoDbSettings.builder().client(aws.dynamoDb(listenerRequests))).balanceProjector());
        balances = Wiring.of(env, DynamoDbSettings.builder().client(ddb)).balanceTable();

        // What EnvStreamFanOutHandler builds from QUEUE_URL_LIST, fed by the local runner's stream poller.
        fanOut = StreamFanOut.builder().queues(List.of(queueUrl)).queuePublisher(new SqsQueuePublisher(sqs)).build();
        runner = LocalRunner.builder()
                .stream(new StreamPoller(aws.dynamoDbStreams(), EventTable.latestStreamArn(ddb, eventsTable), fanOut,
                        ShardIteratorType.TRIM_HORIZON, 100))
                .build();
    }

    @AfterAll
    void tearDown() {
        runner.close();
        fanOut.close();
    }

    @Test
    @Order(1)
    void deposits_a_retry_and_a_withdrawal_end_in_the_read_model_with_one_event_per_request() {
        assertThat(api.handleRequest(LambdaEvents.post("deposits", "w-1", money("r-1", 5000)), null).getStatusCode()).isEqualTo(201);
        APIGatewayV2HTTPResponse retry = api.handleRequest(LambdaEvents.post("deposits", "w-1", money("r-1", 5000)), null);
        assertThat(retry.getStatusCode()).isEqualTo(200);
        assertThat(retry.getBody()).contains("\"alreadyAppended\":true");
        assertThat(api.handleRequest(LambdaEvents.post("withdrawals", "w-1", money("r-2", 1200)), null).getStatusCode()).isEqualTo(201);
        assertThat(api.handleRequest(LambdaEvents.post("withdrawals", "w-1", money("r-3", -1)), null).getStatusCode()).isEqualTo(400);
        assertThat(api.handleRequest(LambdaEvents.post("deposits", "w-2", money("r-1", 250)), null).getStatusCode()).isEqualTo(201);

        settle("both wallets' balances are projected", () -> version("w-1") >= 2 && version("w-2") >= 1);

        assertThat(balances.find("w-1")).contains(new BalanceTable.Balance("w-1", 3800, 2));
        assertThat(balances.find("w-2")).contains(new BalanceTable.Balance("w-2", 250, 1));
        // One event per request: the retry wrote nothing, the refused withdrawal nothing.
        List<EventRecord> events = DynamoDbEventStore.builder().client(ddb).tableName(eventsTable).build()
                .readEvents(EventQuery.of(AggregateRef.of("wallet", "w-1"))).toList();
        assertThat(events).extracting(EventRecord::eventType).containsExactly("Wallet.Funded", "Wallet.Withdrawn");
        assertThat(eventItems("w-1")).isEqualTo(2);
        assertThat(delivered).hasSize(3);
        assertThat(responses).allSatisfy(r -> assertThat(r.getBatchItemFailures()).isEmpty());
        DynamoDbCheckpointStore checkpoints = DynamoDbCheckpointStore.builder().client(ddb).tableName(readModelTable).build();
        assertThat(checkpoints.lastApplied(BalanceProjection.NAME, AggregateRef.of("wallet", "w-1"))).isEqualTo(2);
        assertThat(visibleMessages(deadLetterUrl)).isZero();
    }

    @Test
    @Order(2)
    void a_redelivered_message_changes_nothing() {
        QueueMessage first = delivered.get(0);
        // A copy of a delivered message, as SQS may deliver it again (another deduplication id: not dropped).
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(first.body()).messageGroupId(first.messageGroupId())
                .messageDeduplicationId("redelivery-1"));
        int before = delivered.size();

        settle("the copy was handled", () -> delivered.size() > before && visibleMessages(queueUrl) == 0);

        assertThat(responses).allSatisfy(r -> assertThat(r.getBatchItemFailures()).isEmpty());
        assertThat(balances.find("w-1")).contains(new BalanceTable.Balance("w-1", 3800, 2));
    }

    @Test
    @Order(3)
    void each_function_sends_only_the_requests_its_policy_in_the_template_allows() {
        // WalletApiFunction: GetItem, PutItem and UpdateItem (the actions of TransactWriteItems) on the event table.
        assertThat(apiRequests.snapshot().keySet()).contains("TransactWriteItems")
                .isSubsetOf(Set.of("TransactWriteItems", "GetItem"));
        // BalanceProjectionFunction: GetItem, Query on the event table; GetItem, UpdateItem on the read model.
        assertThat(listenerRequests.snapshot().keySet()).contains("TransactWriteItems")
                .isSubsetOf(Set.of("TransactWriteItems", "GetItem", "Query"));
    }

    static String money(String requestId, long amount) {
        return EmbeddedWalletService.money(requestId, amount);
    }

    long version(String walletId) {
        return balances.find(walletId).map(BalanceTable.Balance::version).orElse(0L);
    }

    /** Event items of the wallet in the table itself (not through the store). */
    int eventItems(String walletId) {
        return ddb.query(q -> q.tableName(eventsTable).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :evt)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("AGG#wallet#" + walletId),
                        ":evt", AttributeValue.fromS("EVT#")))).count();
    }

    int visibleMessages(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Runs the stream poller and the queue's event source mapping until {@code done}. */
    void settle(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            if (runner.runOnce() + pollQueue() == 0) {
                sleep();
            }
        }
    }

    /**
     * What the SQS event source mapping does for the listener function: receive up to 10, invoke
     * the handler with them, delete those not reported in {@code batchItemFailures}. Short polls:
     * a long poll would hold up the single-threaded emulator.
     */
    int pollQueue() {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        List<QueueMessage> batch = messages.stream().map(m -> new QueueMessage(m.messageId(), m.body(),
                m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))).toList();
        SQSBatchResponse response = listener.handleRequest(LambdaEvents.sqs(batch), null);
        delivered.addAll(batch);
        responses.add(response);
        Set<String> failed = EmbeddedWalletService.failedIds(response);
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!failed.contains(messages.get(i).messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(messages.get(i).receiptHandle()).build());
            }
        }
        if (!deletes.isEmpty()) {
            sqs.deleteMessageBatch(d -> d.queueUrl(queueUrl).entries(deletes));
        }
        return messages.size();
    }

    static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
