package dev.eventfold.bench.process;

import dev.eventfold.aws.LocalRunner;
import dev.eventfold.bench.TransactWrites;
import dev.eventfold.aws.QueuePoller;
import dev.eventfold.aws.SqsQueuePublisher;
import dev.eventfold.aws.StreamPoller;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.listener.EventListener;
import dev.eventfold.store.EventStore;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.RequestCounter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * DynamoDB, its stream and SQS on moto, wired as {@code AwsDemoRuntime} does: a fresh table, the
 * {@link LocalRunner}'s threads playing the Lambda event sources (one polling the stream into the
 * {@link StreamFanOut}, one polling the standard queue into the listener). Requests are counted per
 * service, each client with its own {@link RequestCounter}.
 */
final class MotoTransferRuntime implements TransferRuntime {
    /**
     * Short polls: a long poll would hold up single-threaded moto. A failed record comes back after
     * the visibility timeout, kept short so that a redelivery shows in the time without dominating it.
     */
    private static final int WAIT_SECONDS = 0;
    private static final String VISIBILITY_SECONDS = "10";
    /** Lambda's default batch size for a DynamoDB stream source. */
    private static final int STREAM_BATCH = 100;

    private final RequestCounter dynamoRequests = new RequestCounter();
    private final RequestCounter streamRequests = new RequestCounter();
    private final RequestCounter sqsRequests = new RequestCounter();
    private final QueueTraffic traffic = new QueueTraffic();
    private final TransactWrites writes = new TransactWrites();
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final String table;
    private final String queueUrl;
    private final DynamoDbEventStore store;
    private StreamFanOut fanOut;
    private LocalRunner runner;
    private EventListener listener;

    MotoTransferRuntime(AwsTestEnvironment aws) {
        this.dynamo = aws.dynamoDb(dynamoRequests, writes);
        this.streams = aws.dynamoDbStreams(streamRequests);
        this.sqs = aws.sqs(sqsRequests, traffic);
        this.table = AwsTestEnvironment.uniqueName("bench-process");
        EventTable.create(dynamo, table);
        this.queueUrl = sqs.createQueue(r -> r.queueName(table)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, VISIBILITY_SECONDS))).queueUrl();
        this.store = DynamoDbEventStore.builder().client(dynamo).tableName(table).build();
    }

    @Override
    public String describe() {
        return "moto: table and stream, stream poller -> fan-out -> SQS standard queue -> queue poller -> listener";
    }

    @Override
    public EventStore store() {
        return store;
    }

    @Override
    public void start(EventListener listener) {
        this.listener = listener;
        fanOut = StreamFanOut.builder().queues(List.of(queueUrl)).queuePublisher(new SqsQueuePublisher(sqs)).build();
        // LATEST, taken now: what was appended before (the wallets' funding) stays out of the queue.
        StreamPoller stream = new StreamPoller(streams, EventTable.latestStreamArn(dynamo, table), fanOut,
                ShardIteratorType.LATEST, STREAM_BATCH).open();
        runner = LocalRunner.builder().stream(stream)
                .queue(new QueuePoller(sqs, queueUrl, listener, WAIT_SECONDS)).build();
        dynamoRequests.reset();
        streamRequests.reset();
        sqsRequests.reset();
        traffic.reset();
        writes.reset();
        runner.start();
    }

    @Override
    public long appends() {
        return writes.count(TransactWrites.Outcome.LANDED);
    }

    @Override
    public Map<String, Map<String, Long>> requests() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        out.put("DynamoDB", dynamoRequests.snapshot());
        out.put("DynamoDB Streams", streamRequests.snapshot());
        out.put("SQS", sqsRequests.snapshot());
        return out;
    }

    @Override
    public QueueTraffic.Counts messages() {
        return traffic.counts();
    }

    @Override
    public String progress() {
        long cancelled = writes.count(TransactWrites.Outcome.CANCELLED);
        QueueTraffic.Counts m = traffic.counts();
        return appends() + " appends, " + cancelled + " cancelled TransactWriteItems"
                + (cancelled > 0 ? " (moto strands an open stream iterator after a cancelled transaction)" : "")
                + ", messages sent " + m.sent() + ", received " + m.received() + ", deleted " + m.deleted();
    }

    @Override
    public void stop() {
        if (runner != null) {
            runner.close();
            runner = null;
        }
        if (fanOut != null) {
            fanOut.close();
            fanOut = null;
        }
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    @Override
    public void close() {
        stop();
        sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        dynamo.deleteTable(r -> r.tableName(table));
        // The clients share the testkit's HTTP client, which closing them leaves open.
        streams.close();
        sqs.close();
        dynamo.close();
    }
}
