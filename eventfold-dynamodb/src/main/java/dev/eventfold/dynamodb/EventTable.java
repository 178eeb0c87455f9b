package dev.eventfold.dynamodb;

import dev.eventfold.spi.wire.Attributes;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the shared event table as WIRE.md section 1 describes: {@code pk}/{@code sk} strings,
 * a stream with {@code NEW_AND_OLD_IMAGES}, the {@code tenantIndex} GSI (hash {@code tenantId},
 * range {@code pk}, projection ALL), on-demand billing, and TTL on {@code expiresAt} (only
 * idempotency records carry it). For development, tests and the CLI;
 * production tables belong in infrastructure code (see {@code examples/wallet-service/template.yaml}).
 *
 * <pre>{@code
 * EventTable.create(dynamoDb, "events");
 * }</pre>
 */
public final class EventTable {
    public static final String TENANT_INDEX = Attributes.TENANT_INDEX;
    /** The TTL attribute of the idempotency records. */
    public static final String EXPIRES_AT = Attributes.EXPIRES_AT;

    private EventTable() {
    }

    /** Creates the table and waits until it is ACTIVE; returns false when it already existed. */
    public static boolean create(DynamoDbClient client, String tableName) {
        try {
            client.createTable(CreateTableRequest.builder()
                    .tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            attribute(Attributes.PK), attribute(Attributes.SK), attribute(Attributes.TENANT_ID))
                    .keySchema(key(Attributes.PK, KeyType.HASH), key(Attributes.SK, KeyType.RANGE))
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                            .indexName(TENANT_INDEX)
                            .keySchema(key(Attributes.TENANT_ID, KeyType.HASH), key(Attributes.PK, KeyType.RANGE))
                            .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                            .build())
                    .streamSpecification(StreamSpecification.builder()
                            .streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                            .build())
                    .build());
        } catch (ResourceInUseException e) {
            awaitActive(client, tableName);
            return false;
        }
        awaitActive(client, tableName);
        // Idempotency records carry expiresAt (epoch seconds); TTL deletes them after their retention.
        client.updateTimeToLive(b -> b.tableName(tableName).timeToLiveSpecification(t -> t
                .enabled(true).attributeName(EXPIRES_AT)));
        return true;
    }

    /** The ARN of the table's current stream. */
    public static String latestStreamArn(DynamoDbClient client, String tableName) {
        String arn = client.describeTable(b -> b.tableName(tableName)).table().latestStreamArn();
        if (arn == null) {
            throw new IllegalStateException("table " + tableName + " has no stream");
        }
        return arn;
    }

    private static void awaitActive(DynamoDbClient client, String tableName) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            DescribeTableResponse d = client.describeTable(b -> b.tableName(tableName));
            if (d.table().tableStatus() == TableStatus.ACTIVE) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + tableName + " not ACTIVE after 5 minutes");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + tableName);
            }
        }
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
