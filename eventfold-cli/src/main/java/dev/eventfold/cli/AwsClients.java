package dev.eventfold.cli;

import dev.eventfold.dynamodb.internal.HttpClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients of one command, each built on first use: a command that only reads the table
 * never builds an SQS client. All share one URL-connection HTTP client, made by
 * {@link HttpClients#newClient()} and closed with the command; timeouts are explicit (the HTTP
 * client's, then 10 s per attempt and 30 s per call with retries; standard retry mode, 3 attempts).
 *
 * <pre>{@code
 * try (AwsClients clients = new AwsClients(target, new RequestTally())) {
 *     clients.dynamoDb().describeTable(r -> r.tableName("events"));
 * }
 * }</pre>
 */
final class AwsClients implements AutoCloseable {
    private final AwsOptions.Target target;
    private final RequestTally tally;
    private final List<AutoCloseable> built = new ArrayList<>();
    private SdkHttpClient http;
    private DynamoDbClient dynamoDb;
    private DynamoDbStreamsClient streams;
    private SqsClient sqs;
    private EventBridgeClient eventBridge;

    AwsClients(AwsOptions.Target target, RequestTally tally) {
        this.target = Objects.requireNonNull(target, "target");
        this.tally = Objects.requireNonNull(tally, "tally");
    }

    RequestTally tally() {
        return tally;
    }

    AwsOptions.Target target() {
        return target;
    }

    synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = build(DynamoDbClient.builder());
        }
        return dynamoDb;
    }

    synchronized DynamoDbStreamsClient streams() {
        if (streams == null) {
            streams = build(DynamoDbStreamsClient.builder());
        }
        return streams;
    }

    synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = build(SqsClient.builder());
        }
        return sqs;
    }

    synchronized EventBridgeClient eventBridge() {
        if (eventBridge == null) {
            eventBridge = build(EventBridgeClient.builder());
        }
        return eventBridge;
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C extends AutoCloseable> C build(B builder) {
        if (http == null) {
            http = HttpClients.newClient(); // this command's own: closed with it
        }
        target.endpoint().ifPresent(builder::endpointOverride);
        builder.region(target.region()).credentialsProvider(target.credentials()).httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(tally)
                        // Standard mode: 3 attempts for every service (DynamoDB's default is 9), so an
                        // unreachable endpoint is reported in about a second, not after several.
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofSeconds(10))
                        .apiCallTimeout(Duration.ofSeconds(30))
                        .build());
        C client = builder.build();
        built.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : built) {
            try {
                c.close();
            } catch (Exception e) {
                // closing is best effort: the process is about to end
            }
        }
        built.clear();
        if (http != null) {
            http.close();
            http = null;
        }
    }
}
