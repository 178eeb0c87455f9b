package dev.eventfold.cli.demo;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The clients the demo runs on against AWS or an emulator.
 *
 * @param where    the endpoint or region, for the account the demo prints
 * @param requests requests sent so far, by {@code "Service Operation"}
 */
public record AwsResources(String where, DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, SqsClient sqs,
                           EventBridgeClient eventBridge, Supplier<Map<String, Long>> requests) {
    public AwsResources {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(eventBridge, "eventBridge");
        Objects.requireNonNull(requests, "requests");
    }
}
