package dev.eventfold.dynamodb.snapshot;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.internal.Checks;
import dev.eventfold.dynamodb.DynamoDbComponentBuilder;
import dev.eventfold.dynamodb.DynamoDbSettings;
import dev.eventfold.dynamodb.internal.DynamoErrors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.aggregate.Snapshot;
import dev.eventfold.aggregate.SnapshotStore;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.internal.AttributeValues;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Snapshots in the event table, in the aggregate's own partition:
 * {@code pk = AGG#type#id}, {@code sk = SNAP#} + the version padded to 9 digits,
 * {@code itemType = snapshot}. Event listings query {@code sk BETWEEN EVT#000000000 AND
 * EVT#999999999} and the stream fan-out forwards only {@code itemType = event}, so neither ever
 * sees a snapshot; the tenantIndex does not either (snapshot items carry no {@code tenantId}).
 *
 * <pre>{@code
 * SnapshotStore snapshots = DynamoDbSnapshotStore.builder().client(ddb).tableName("events").build();
 * }</pre>
 *
 * <p>Item attributes: {@code pk, sk, itemType, aggregateType, aggregateId, version (N),
 * stateSchemaVersion (N), state (M or any JSON value), takenAt (S)}. A snapshot whose item would
 * exceed DynamoDB's 400 KB is refused with {@link dev.eventfold.core.AppendTooLargeException}
 * (the repository logs it and folds from the events). After each save, snapshots beyond the
 * newest {@code retain} are deleted (default 2), so a partition does not fill up with them.
 */
public final class DynamoDbSnapshotStore implements SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbSnapshotStore.class);

    private final DynamoDbSettings settings;
    private final String tableName;
    private final int retain;

    private DynamoDbSnapshotStore(Builder b) {
        this.settings = b.built;
        this.tableName = b.built.tableName();
        this.retain = b.retain;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<Snapshot> latest(AggregateRef aggregate) {
        QueryResponse r;
        try {
            r = client().query(q -> q.tableName(tableName)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :snap)")
                    .expressionAttributeValues(Map.of(":pk", s(aggregate.pk()), ":snap", s(Snapshot.SK_PREFIX)))
                    .scanIndexForward(false)
                    .limit(1)
                    .consistentRead(true));
        } catch (SdkException e) {
            throw DynamoErrors.translate("Query", false, e);
        }
        if (r.items().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fromItem(aggregate, AttributeValues.toJson(r.items().get(0))));
    }

    @Override
    public void save(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        ObjectNode item = EventJson.mapper().createObjectNode();
        item.put(Attributes.PK, snapshot.aggregate().pk());
        item.put(Attributes.SK, snapshot.sk());
        item.put(Attributes.ITEM_TYPE, Snapshot.ITEM_TYPE);
        item.put("aggregateType", snapshot.aggregate().aggregateType());
        item.put("aggregateId", snapshot.aggregate().aggregateId());
        item.put("version", snapshot.version());
        item.put("stateSchemaVersion", snapshot.stateSchemaVersion());
        item.set("state", snapshot.state());
        if (snapshot.takenAt() != null) {
            item.put("takenAt", snapshot.takenAt());
        }
        long size = DynamoItemSize.of(item);
        if (size > DynamoItemSize.MAX_ITEM_BYTES) {
            throw new dev.eventfold.core.AppendTooLargeException("snapshot " + snapshot.aggregate(), size,
                    DynamoItemSize.MAX_ITEM_BYTES, "bytes (DynamoDB item limit)");
        }
        try {
            client().putItem(p -> p.tableName(tableName).item(AttributeValues.fromJson(item)));
        } catch (SdkException e) {
            throw DynamoErrors.translate("PutItem", true, e);
        }
        if (retain > 0) {
            prune(snapshot.aggregate());
        }
    }

    /** Deletes all but the newest {@code retain} snapshots; best effort, a failure only leaves extra items. */
    private void prune(AggregateRef aggregate) {
        try {
            List<Map<String, AttributeValue>> keys = client().queryPaginator(q -> q.tableName(tableName)
                            .keyConditionExpression("pk = :pk AND begins_with(sk, :snap)")
                            .expressionAttributeValues(Map.of(":pk", s(aggregate.pk()), ":snap", s(Snapshot.SK_PREFIX)))
                            .projectionExpression("pk, sk")
                            .scanIndexForward(false))
                    .items().stream().skip(retain).toList();
            for (Map<String, AttributeValue> key : keys) {
                client().deleteItem(d -> d.tableName(tableName).key(key));
            }
        } catch (SdkException e) {
            LOG.warn("old snapshots of {} not pruned: {}", aggregate, e.getClass().getSimpleName());
        }
    }

    private static Snapshot fromItem(AggregateRef aggregate, ObjectNode item) {
        String sk = item.path(Attributes.SK).asText();
        try {
            long version = item.path("version").isIntegralNumber() ? item.get("version").longValue()
                    : Keys.versionOf(Keys.EVENT_SK_PREFIX + sk.substring(Snapshot.SK_PREFIX.length()));
            int schema = item.path("stateSchemaVersion").isIntegralNumber() ? item.get("stateSchemaVersion").intValue() : 1;
            return new Snapshot(aggregate, version, schema, item.get("state"), item.path("takenAt").asText(null));
        } catch (InvalidInputException | StringIndexOutOfBoundsException e) {
            throw new dev.eventfold.core.CorruptItemException(aggregate.pk(), sk, "not a readable snapshot");
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    /** The client of the settings: given, or built on first use. */
    private DynamoDbClient client() {
        return settings.client();
    }

    /** Builds a {@link DynamoDbSnapshotStore}; a client (or settings) and a table name are required. */
    public static final class Builder extends DynamoDbComponentBuilder<Builder> {
        private DynamoDbSettings built;
        private int retain = 2;

        private Builder() {
        }

        /** How many snapshots to keep per aggregate; 0 keeps all. */
        public Builder retain(int v) {
            this.retain = v;
            return this;
        }

        public DynamoDbSnapshotStore build() {
            built = buildSettings();
            if (retain < 0) {
                throw new InvalidInputException("retain", "must not be negative, was " + retain);
            }
            return new DynamoDbSnapshotStore(this);
        }
    }
}
