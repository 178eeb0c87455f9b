package dev.eventfold.cli.demo;

import dev.eventfold.aws.EventBridgePublisher;
import dev.eventfold.aws.FanOutReplaySink;
import dev.eventfold.aws.LocalRunner;
import dev.eventfold.aws.QueuePoller;
import dev.eventfold.aws.SqsQueuePublisher;
import dev.eventfold.aws.StreamPoller;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.dynamodb.integrity.DynamoDbIntegrityCheck;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.integrity.IntegrityReport;
import dev.eventfold.listener.EventListener;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.store.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The story on DynamoDB, SQS and EventBridge (moto or AWS): a table, a FIFO queue for the
 * projection, a bus with a rule to an audit queue, all created for the run and removed after it
 * unless kept; the {@link LocalRunner}'s stream and queue pollers play the Lambda event sources.
 */
final class AwsDemoRuntime implements DemoRuntime {
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(90);

    private final AwsResources aws;
    private final String givenTable;
    private final boolean keep;
    private final String prefix = "eventfold-demo-" + UUID.randomUUID().toString().substring(0, 8);
    private String table;
    private boolean createdTable;
    private String streamArn;
    private String fifoUrl;
    private String auditUrl;
    private String processesUrl;
    private String bus;
    private String rule;
    private DynamoDbEventStore store;
    private LocalRunner runner;
    private final List<StreamFanOut> fanOuts = new ArrayList<>();
    private Map<String, Long> requestsAtStart = Map.of();

    AwsDemoRuntime(AwsResources aws, String givenTable, boolean keep) {
        this.aws = aws;
        this.givenTable = givenTable;
        this.keep = keep;
    }

    @Override
    public String describe() {
        return "DynamoDB, SQS and EventBridge at " + aws.where();
    }

    @Override
    public List<String> setUp() {
        List<String> lines = new ArrayList<>();
        table = givenTable != null ? givenTable : prefix;
        createdTable = EventTable.create(aws.dynamoDb(), table);
        streamArn = EventTable.latestStreamArn(aws.dynamoDb(), table);
        lines.add((createdTable ? "created table " : "using table ") + table + " (stream NEW_AND_OLD_IMAGES, tenantIndex)");
        fifoUrl = aws.sqs().createQueue(r -> r.queueName(prefix + "-projections.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        auditUrl = aws.sqs().createQueue(r -> r.queueName(prefix + "-audit")).queueUrl();
        processesUrl = aws.sqs().createQueue(r -> r.queueName(prefix + "-processes")).queueUrl();
        String auditArn = aws.sqs().getQueueAttributes(r -> r.queueUrl(auditUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        lines.add("created FIFO queue " + projectionQueue() + " for the projection, queue " + processQueue()
                + " for the transfer process");
        bus = prefix;
        aws.eventBridge().createEventBus(r -> r.name(bus));
        rule = prefix + "-audit";
        String ruleArn = aws.eventBridge().putRule(r -> r.name(rule).eventBusName(bus)
                .eventPattern("{\"source\":[\"billing\"]}")).ruleArn();
        // EventBridge may only deliver to the queue if the queue's policy lets this rule send.
        aws.sqs().setQueueAttributes(r -> r.queueUrl(auditUrl).attributes(Map.of(QueueAttributeName.POLICY,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"events.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + auditArn
                        + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"" + ruleArn + "\"}}}]}")));
        aws.eventBridge().putTargets(r -> r.rule(rule).eventBusName(bus)
                .targets(Target.builder().id("audit").arn(auditArn).build()));
        lines.add("created bus " + bus + " with a rule (source = billing) to queue " + auditQueue());
        store = DynamoDbEventStore.builder().client(aws.dynamoDb()).tableName(table).build();
        return lines;
    }

    @Override
    public EventStore store() {
        return store;
    }

    @Override
    public String projectionQueue() {
        return fifoUrl.substring(fifoUrl.lastIndexOf('/') + 1);
    }

    @Override
    public String auditQueue() {
        return auditUrl.substring(auditUrl.lastIndexOf('/') + 1);
    }

    @Override
    public String processQueue() {
        return processesUrl.substring(processesUrl.lastIndexOf('/') + 1);
    }

    @Override
    public void start(EventListener projection, EventListener audit, EventListener processes) {
        EventBridgePublisher busPublisher = new EventBridgePublisher(aws.eventBridge());
        busPublisher.requireBus(bus);
        StreamFanOut fanOut = owned(StreamFanOut.builder().queues(List.of(fifoUrl, processesUrl)).bus(bus)
                .queuePublisher(new SqsQueuePublisher(aws.sqs())).busPublisher(busPublisher).build());
        // LATEST, taken now (before the story's first dispatch): with a shared --table, events
        // others appended before the story are not fanned out to the demo's queues and bus.
        StreamPoller stream = new StreamPoller(aws.streams(), streamArn, fanOut, ShardIteratorType.LATEST, 100).open();
        // Short polls (wait 0): the story polls in a loop, and a long poll would hold up a single-threaded emulator.
        runner = LocalRunner.builder()
                .stream(stream)
                .queue(new QueuePoller(aws.sqs(), fifoUrl, projection, 0))
                .queue(new QueuePoller(aws.sqs(), auditUrl, audit, 0))
                .queue(new QueuePoller(aws.sqs(), processesUrl, processes, 0))
                .build();
        requestsAtStart = aws.requests().get();
    }

    @Override
    public void settle(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + SETTLE_TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            if (runner.runOnce() == 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting until " + what, e);
                }
            }
        }
    }

    @Override
    public ReplaySink replaySink(String replayId) {
        return new FanOutReplaySink(owned(StreamFanOut.builder().queues(List.of(fifoUrl))
                .queuePublisher(FanOutReplaySink.replayDeduplication(new SqsQueuePublisher(aws.sqs()), replayId)).build()));
    }

    /** A fan-out closed with this runtime (its threads end then). */
    private StreamFanOut owned(StreamFanOut fanOut) {
        fanOuts.add(fanOut);
        return fanOut;
    }

    @Override
    public IntegrityReport verify(AggregateRef aggregate) {
        DynamoDbIntegrityCheck check = DynamoDbIntegrityCheck.builder().client(aws.dynamoDb()).tableName(table).build();
        // A table of our own is checked whole (a parallel scan); a shared one only for the story's aggregate.
        return createdTable ? check.checkTable() : check.checkAggregate(aggregate);
    }

    @Override
    public long appendsWritten() {
        return aws.requests().get().entrySet().stream().filter(e -> e.getKey().endsWith(" TransactWriteItems"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Override
    public List<String> requestSummary() {
        Map<String, Long> now = aws.requests().get();
        Map<String, Map<String, Long>> byService = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, Long> e : now.entrySet()) {
            long n = e.getValue() - requestsAtStart.getOrDefault(e.getKey(), 0L);
            if (n <= 0) {
                continue;
            }
            total += n;
            int space = e.getKey().indexOf(' ');
            byService.computeIfAbsent(e.getKey().substring(0, space), k -> new TreeMap<>()).put(e.getKey().substring(space + 1), n);
        }
        List<String> lines = new ArrayList<>();
        lines.add("requests during the story: " + total + " (polling included)");
        byService.forEach((service, ops) -> lines.add("  " + service + " " + ops.values().stream().mapToLong(Long::longValue).sum()
                + ": " + ops.toString().replaceAll("[{}]", "").replace("=", " ")));
        lines.add(keep || !createdTable ? "kept: table " + table + ", queues " + projectionQueue() + ", " + auditQueue() + " and " + processQueue()
                + ", bus " + bus : "the demo's table, queues and bus are deleted on exit (--keep keeps them)");
        return lines;
    }

    @Override
    public void close() {
        fanOuts.forEach(StreamFanOut::close);
        fanOuts.clear();
        if (runner != null) {
            runner.close(); // never started (the story calls runOnce), but close is what ends a runner
        }
        if (keep || table == null) {
            return;
        }
        // Best effort: a resource that is already gone, or a failed delete, must not hide the story's result.
        quietly(() -> aws.eventBridge().removeTargets(r -> r.rule(rule).eventBusName(bus).ids("audit")));
        quietly(() -> aws.eventBridge().deleteRule(r -> r.name(rule).eventBusName(bus)));
        quietly(() -> aws.eventBridge().deleteEventBus(r -> r.name(bus)));
        quietly(() -> aws.sqs().deleteQueue(r -> r.queueUrl(fifoUrl)));
        quietly(() -> aws.sqs().deleteQueue(r -> r.queueUrl(auditUrl)));
        quietly(() -> aws.sqs().deleteQueue(r -> r.queueUrl(processesUrl)));
        if (createdTable) {
            quietly(() -> aws.dynamoDb().deleteTable(r -> r.tableName(table)));
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // see close()
        }
    }
}
