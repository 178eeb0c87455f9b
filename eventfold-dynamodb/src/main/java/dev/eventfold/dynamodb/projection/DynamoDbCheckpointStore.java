package dev.eventfold.dynamodb.projection;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.internal.Checks;
import dev.eventfold.dynamodb.DynamoDbComponentBuilder;
import dev.eventfold.dynamodb.DynamoDbSettings;
import dev.eventfold.dynamodb.internal.DynamoErrors;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.projection.CheckpointConflictException;
import dev.eventfold.projection.TransactionalCheckpointStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Projection checkpoints as DynamoDB items, and the transactional form that commits a
 * projection's read-model writes with the checkpoint in one {@code TransactWriteItems}.
 *
 * <p>Key layout: one item per projection and aggregate, each in a partition of its own:
 * {@code pk = PROJ#<projection>#<aggregate pk>}, {@code sk = CHECKPOINT} (for example
 * {@code PROJ#balances#AGG#wallet#wal_1} / {@code CHECKPOINT}); attributes
 * {@code itemType = checkpoint}, {@code projection}, {@code version} (N), {@code updatedAt}.
 * One partition per checkpoint spreads a busy projection's writes over the whole table (a single
 * {@code PROJ#<projection>} partition would cap it at one partition's 1,000 writes per second).
 * Projection names may not contain {@code '#'}, so the first {@code '#'} after {@code PROJ#}
 * always ends the name and two (projection, aggregate) pairs never share a key. The
 * {@code PROJ#} prefix can never collide with an aggregate's {@code AGG#} partition, so the
 * items may live in the event table itself (the fan-out ignores them: their itemType is not
 * {@code event}) or in the read model's table, which a transaction needs when the writes go
 * there (a transaction may span tables of one account and region). Listing or resetting one
 * projection's checkpoints therefore needs a Scan: see {@link #reset(String)}.
 *
 * <pre>{@code
 * DynamoDbCheckpointStore checkpoints = DynamoDbCheckpointStore.builder().client(ddb).tableName("read-model").build();
 * Projector balances = Projector.builder("balances", store)
 *     .transactional(checkpoints, event -> List.of(balanceUpdate(event)))
 *     .build();
 * }</pre>
 *
 * <p>Each advance is conditional on the checkpoint's previous version: a stale worker's
 * transaction is cancelled as a whole, its read-model writes included, and surfaces as
 * {@link CheckpointConflictException}. A transaction holds at most 100 actions: 99 writes plus
 * the checkpoint.
 */
public final class DynamoDbCheckpointStore implements TransactionalCheckpointStore<TransactWriteItem> {
    public static final String PK_PREFIX = "PROJ#";
    /** The sort key of every checkpoint item. */
    public static final String SK = "CHECKPOINT";
    public static final String ITEM_TYPE = Attributes.ITEM_TYPE_CHECKPOINT;
    /** The checkpoint takes one of the 100 actions of a transaction. */
    public static final int MAX_WRITES = DynamoItemSize.MAX_TRANSACTION_ITEMS - 1;

    private final DynamoDbSettings settings;
    private final String tableName;
    private final Clock clock;

    private DynamoDbCheckpointStore(Builder b) {
        this.settings = b.built;
        this.tableName = b.built.tableName();
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The checkpoint item's key: {@code PROJ#<projection>#<aggregate pk>} / {@code CHECKPOINT}. */
    public static Map<String, AttributeValue> key(String projection, AggregateRef aggregate) {
        return Map.of(Attributes.PK, AttributeValue.fromS(pk(projection, aggregate)), Attributes.SK, AttributeValue.fromS(SK));
    }

    /** {@code PROJ#<projection>#<aggregate pk>}. */
    public static String pk(String projection, AggregateRef aggregate) {
        Objects.requireNonNull(aggregate, "aggregate");
        return partitionPrefix(projection) + aggregate.pk();
    }

    /** {@code PROJ#<projection>#}: the start of every checkpoint key of one projection. */
    static String partitionPrefix(String projection) {
        Keys.requireNonBlank("projection", projection);
        if (projection.indexOf('#') >= 0) {
            throw new InvalidInputException("projection", "'#' is not allowed: it makes the key PROJ#<projection>#<aggregate> ambiguous");
        }
        return PK_PREFIX + projection + "#";
    }

    @Override
    public long lastApplied(String projection, AggregateRef aggregate) {
        Map<String, AttributeValue> key = key(projection, aggregate);
        GetItemResponse r;
        try {
            r = client().getItem(g -> g.tableName(tableName).key(key).consistentRead(true));
        } catch (SdkException e) {
            throw DynamoErrors.translate("GetItem", false, e);
        }
        return versionOf(key.get(Attributes.PK).s(), r.hasItem() ? r.item() : Map.of());
    }

    /** The version of a checkpoint item; 0 for none. */
    private static long versionOf(String pk, Map<String, AttributeValue> item) {
        if (item.isEmpty()) {
            return 0;
        }
        AttributeValue v = item.get(Attributes.VERSION);
        if (v == null || v.n() == null) {
            throw new CorruptItemException(pk, SK, "version: not a number");
        }
        long version;
        try {
            // Another writer may spell a number 1.0 or 1E2: the same whole number. 1.5 is not a version.
            version = new BigDecimal(v.n()).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new CorruptItemException(pk, SK, "version: not a whole number");
        }
        if (version < 0 || version > Keys.MAX_VERSION) {
            throw new CorruptItemException(pk, SK, "version: outside 0.." + Keys.MAX_VERSION);
        }
        return version;
    }

    /**
     * The conflict of a failed checkpoint condition, with the version found when the service
     * returned the item (ALL_OLD). No item returned can mean "none" or a service that returns
     * none: the actual version is then unknown and the projector reads it.
     */
    private static CheckpointConflictException conflict(String projection, AggregateRef aggregate, long expected,
                                                        Update u, Map<String, AttributeValue> found) {
        return new CheckpointConflictException(projection, aggregate, expected, found.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(versionOf(u.key().get(Attributes.PK).s(), found)));
    }

    /**
     * Deletes every checkpoint of {@code projection}, so that it is rebuilt from the first event.
     * Checkpoints of one projection live in partitions of their own, so this is a Scan of the whole
     * table (filtered on the key prefix) and one DeleteItem per checkpoint: an operator's tool, not
     * something to run per request. Needs {@code dynamodb:Scan} and {@code dynamodb:DeleteItem}.
     *
     * @return how many checkpoints were deleted
     */
    public long reset(String projection) {
        String prefix = partitionPrefix(projection);
        long deleted = 0;
        try {
            for (Map<String, AttributeValue> item : client().scanPaginator(s -> s.tableName(tableName)
                    .filterExpression("begins_with(pk, :prefix) AND sk = :sk")
                    .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix), ":sk", AttributeValue.fromS(SK)))
                    .projectionExpression("pk, sk")
                    .consistentRead(true)).items()) {
                client().deleteItem(d -> d.tableName(tableName).key(Map.of(Attributes.PK, item.get(Attributes.PK), Attributes.SK, item.get(Attributes.SK))));
                deleted++;
            }
        } catch (SdkException e) {
            throw DynamoErrors.translate("Scan", false, e);
        }
        return deleted;
    }

    @Override
    public void advance(String projection, AggregateRef aggregate, long expectedVersion, long newVersion) {
        Update u = checkpointUpdate(projection, aggregate, expectedVersion, newVersion);
        try {
            client().updateItem(b -> b.tableName(u.tableName()).key(u.key()).updateExpression(u.updateExpression())
                    .conditionExpression(u.conditionExpression()).expressionAttributeNames(u.expressionAttributeNames())
                    .expressionAttributeValues(u.expressionAttributeValues())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        } catch (ConditionalCheckFailedException e) {
            // ALL_OLD: the checkpoint as found, so the projector needs no read to carry on.
            throw conflict(projection, aggregate, expectedVersion, u, e.hasItem() ? e.item() : Map.of());
        } catch (SdkException e) {
            throw DynamoErrors.translate("UpdateItem", true, e);
        }
    }

    /**
     * One {@code TransactWriteItems}: the checkpoint's conditional update first, then
     * {@code writes}. All or nothing.
     *
     * @throws CheckpointConflictException the checkpoint was not at {@code expectedVersion}
     * @throws EventStoreException         the transaction was cancelled for another reason (one of
     *                                     the writes' own conditions: REJECTED; a conflicting
     *                                     transaction: UNAVAILABLE, retry) or failed
     */
    @Override
    public void advanceWith(String projection, AggregateRef aggregate, long expectedVersion, long newVersion,
                            List<TransactWriteItem> writes) {
        Objects.requireNonNull(writes, "writes");
        if (writes.isEmpty()) {
            advance(projection, aggregate, expectedVersion, newVersion);
            return;
        }
        if (writes.size() > MAX_WRITES) {
            throw new InvalidInputException("writes", writes.size() + " writes; a transaction holds " + MAX_WRITES
                    + " besides the checkpoint");
        }
        List<TransactWriteItem> items = new ArrayList<>(writes.size() + 1);
        items.add(TransactWriteItem.builder().update(checkpointUpdate(projection, aggregate, expectedVersion, newVersion)).build());
        items.addAll(writes);
        try {
            // The SDK fills ClientRequestToken: its own retries of a lost response stay idempotent.
            client().transactWriteItems(t -> t.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                CancellationReason r = reasons.get(0);
                throw conflict(projection, aggregate, expectedVersion, items.get(0).update(),
                        r.hasItem() ? r.item() : Map.of());
            }
            List<String> codes = reasons.stream().map(CancellationReason::code).toList();
            boolean conflict = codes.contains("TransactionConflict");
            throw new EventStoreException("TransactWriteItems", conflict ? EventStoreException.Kind.UNAVAILABLE
                    : EventStoreException.Kind.REJECTED, "projection " + projection + " transaction cancelled: " + codes, e);
        } catch (SdkException e) {
            throw DynamoErrors.translate("TransactWriteItems", true, e);
        }
    }

    private Update checkpointUpdate(String projection, AggregateRef aggregate, long expectedVersion, long newVersion) {
        Keys.requireVersion("newVersion", newVersion);
        if (expectedVersion < 0 || newVersion <= expectedVersion) {
            throw new InvalidInputException("newVersion", newVersion + " is not after " + expectedVersion);
        }
        Map<String, String> names = Map.of("#v", Attributes.VERSION, "#t", Attributes.ITEM_TYPE, "#u", Attributes.UPDATED_AT, "#p", "projection");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":new", AttributeValue.fromN(Long.toString(newVersion)));
        values.put(":type", AttributeValue.fromS(ITEM_TYPE));
        values.put(":now", AttributeValue.fromS(Timestamps.format(clock.instant())));
        values.put(":projection", AttributeValue.fromS(projection));
        String condition;
        if (expectedVersion == 0) {
            condition = "attribute_not_exists(#v)";
        } else {
            condition = "#v = :expected";
            values.put(":expected", AttributeValue.fromN(Long.toString(expectedVersion)));
        }
        return Update.builder().tableName(tableName).key(key(projection, aggregate))
                .updateExpression("SET #v = :new, #t = :type, #u = :now, #p = :projection")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** The client of the settings: given, or built on first use. */
    private DynamoDbClient client() {
        return settings.client();
    }

    /** Builds a {@link DynamoDbCheckpointStore}; a client (or settings) and a table name are required. */
    public static final class Builder extends DynamoDbComponentBuilder<Builder> {
        private DynamoDbSettings built;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder clock(Clock v) {
            this.clock = Checks.notNull(v, "clock");
            return this;
        }

        public DynamoDbCheckpointStore build() {
            built = buildSettings();
            return new DynamoDbCheckpointStore(this);
        }
    }
}
