package dev.eventfold.lambda.internal;

import dev.eventfold.dynamodb.internal.HttpClients;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients for handlers, configured for Lambda: the process's one URL-connection HTTP client
 * ({@link HttpClients}: created on first use, not at class load), the region and credentials from the function's
 * environment without probing the default chains, explicit timeouts. {@code AWS_ENDPOINT_URL}
 * is honoured by the SDK itself (used for emulators).
 */
public final class LambdaClients {
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private LambdaClients() {
    }

    /** SDK clients built so far by this class: lets tests check what is lazy. */
    private static final AtomicInteger BUILT = new AtomicInteger();

    /** The process's one HTTP client ({@link HttpClients#shared()}), built on first use. */
    public static SdkHttpClient httpClient() {
        return HttpClients.shared();
    }

    public static SqsClient sqs() {
        return counted(configure(SqsClient.builder()).httpClient(httpClient()).build());
    }

    public static EventBridgeClient eventBridge() {
        return counted(configure(EventBridgeClient.builder()).httpClient(httpClient()).build());
    }

    /** How many SDK clients this class, and HTTP clients {@link HttpClients}, have built in this process. */
    public static int built() {
        return BUILT.get() + HttpClients.built();
    }

    private static <T> T counted(T client) {
        BUILT.incrementAndGet();
        return client;
    }

    static <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        String region = System.getenv("AWS_REGION");
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region));
        }
        builder.credentialsProvider(credentials());
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .build());
        return builder;
    }

    private static AwsCredentialsProvider credentials() {
        // Lambda puts the role's credentials in the environment: skip the slower default chain.
        return System.getenv("AWS_ACCESS_KEY_ID") != null ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
    }
}
