package dev.eventfold.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where integration tests send their requests, and SDK clients built for it: the moto server
 * that {@link AwsExtension} started, or {@code EVENTFOLD_TEST_ENDPOINT} when it is set
 * ({@code aws} for real AWS with the default credentials and region).
 *
 * <p>Clients are real AWS SDK v2 clients; pass interceptors to count requests or inject faults.
 */
public final class AwsTestEnvironment {
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30))
            .build();

    private final Optional<URI> endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;

    AwsTestEnvironment(Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
    }

    public static AwsTestEnvironment forEmulator(URI endpoint) {
        return new AwsTestEnvironment(Optional.of(endpoint), Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    public static AwsTestEnvironment forRealAws() {
        String region = Optional.ofNullable(System.getenv("AWS_REGION")).orElse("us-east-1");
        return new AwsTestEnvironment(Optional.empty(), Region.of(region), DefaultCredentialsProvider.builder().build());
    }

    /** The endpoint override, empty on real AWS. */
    public Optional<URI> endpoint() {
        return endpoint;
    }

    public Region region() {
        return region;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** True when talking to moto: tests may then rely on an emulator's quick, free requests. */
    public boolean isEmulator() {
        return endpoint.isPresent();
    }

    /** A table, queue or bus name no other test uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public DynamoDbClient dynamoDb(ExecutionInterceptor... interceptors) {
        return configure(DynamoDbClient.builder(), interceptors).httpClient(HTTP).build();
    }

    public DynamoDbStreamsClient dynamoDbStreams(ExecutionInterceptor... interceptors) {
        return configure(DynamoDbStreamsClient.builder(), interceptors).httpClient(HTTP).build();
    }

    public SqsClient sqs(ExecutionInterceptor... interceptors) {
        return configure(SqsClient.builder(), interceptors).httpClient(HTTP).build();
    }

    public EventBridgeClient eventBridge(ExecutionInterceptor... interceptors) {
        return configure(EventBridgeClient.builder(), interceptors).httpClient(HTTP).build();
    }

    /** Applies endpoint, region, credentials and interceptors to any SDK client builder. */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder, ExecutionInterceptor... interceptors) {
        endpoint.ifPresent(builder::endpointOverride);
        builder.region(region).credentialsProvider(credentials);
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .executionInterceptors(List.of(interceptors))
                .apiCallAttemptTimeout(Duration.ofSeconds(30))
                .build());
        return builder;
    }
}
