package dev.eventfold.dynamodb;

import dev.eventfold.internal.Checks;
import dev.eventfold.dynamodb.internal.DynamoErrors;
import dev.eventfold.dynamodb.internal.AttributeValues;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.spi.PreparedAppend;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The {@link EventStore} on the shared DynamoDB table, item for item as the TypeScript runtime
 * writes it (WIRE.md): one {@code TransactWriteItems} per append, holding the head update and
 * every event item, so a head never runs ahead of its events.
 *
 * <pre>{@code
 * EventStore store = DynamoDbEventStore.builder()
 *     .client(dynamoDb)            // or .region(Region.EU_WEST_1) to build one lazily
 *     .tableName("events")
 *     .build();
 * }</pre>
 *
 * <h2>Repeated appends</h2>
 * The head's condition also requires {@code lastIdemKey <> :idem}, and a failed condition returns
 * the head ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}). A repeat is then recognised
 * without writing: the head's {@code lastIdemKey} is this append's key, or the event at the first
 * version this append claimed (returned by its failed {@code Put}, also {@code ALL_OLD}) carries its
 * first eventId. A conflict thus costs one request. See {@code docs/adr/0001-idempotent-appends.md}.
 */
public final class DynamoDbEventStore implements EventStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbEventStore.class);
    private static final String HEAD_CONDITION_NEW = "attribute_not_exists(currentVersion)";
    private static final String HEAD_CONDITION_NEXT =
            "currentVersion = :expected AND (attribute_not_exists(lastIdemKey) OR lastIdemKey <> :idem)";
    private static final String HEAD_UPDATE = "SET currentVersion = :next, lastEventId = :eid, lastIdemKey = :idem, "
            + "updatedAt = :now, itemType = :itemType, "
            + "aggregateId = if_not_exists(aggregateId, :aid), aggregateType = if_not_exists(aggregateType, :atype)";
    private static final int TENANT_QUERY_PAGE = 100;
    /** Cancellation reason codes that mean "too much load": retryable, never a conflict. */
    private static final java.util.Set<String> THROTTLING_REASONS =
            java.util.Set.of("ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded", "Throttling");

    private final Supplier<DynamoDbClient> client;
    private final String tableName;
    private final Clock clock;
    private final boolean consistentReads;
    private final boolean idempotencyRecords;
    private final Duration idempotencyRetention;
    private final boolean ownsClient;
    private final DynamoDbSettings settings;

    private DynamoDbEventStore(Builder b) {
        this.settings = b.built;
        this.client = b.client;
        this.tableName = b.tableName;
        this.clock = b.clock;
        this.consistentReads = b.consistentReads;
        this.idempotencyRecords = b.idempotencyRecords;
        this.idempotencyRetention = b.idempotencyRetention;
        this.ownsClient = b.ownsClient;
    }

    /** Closes the DynamoDB client if this store's settings built it (an injected client stays open). */
    @Override
    public void close() {
        if (ownsClient) {
            settings.close();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String tableName() {
        return tableName;
    }

    /** The table and client this store works with: give them to the other DynamoDB components to share the client. */
    public DynamoDbSettings settings() {
        return settings;
    }

    /** The client this store sends its requests with (built on first use when configured by region/endpoint). */
    public DynamoDbClient client() {
        return client.get();
    }

    @Override
    public AppendResult append(AppendRequest request) {
        PreparedAppend prepared = PreparedAppend.of(request, clock.instant(), idempotencyRetention);
        AggregateRef aggregate = request.aggregate();
        String pk = aggregate.pk();

        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", n(request.lastVersion()));
        values.put(":eid", s(request.lastEvent().eventId()));
        values.put(":idem", s(request.idempotencyKey()));
        values.put(":now", s(prepared.updatedAt()));
        values.put(":itemType", s(EventJson.ITEM_TYPE_HEAD));
        values.put(":aid", s(aggregate.aggregateId()));
        values.put(":atype", s(aggregate.aggregateType()));
        String condition;
        if (request.expectedVersion() == 0) {
            condition = HEAD_CONDITION_NEW;
        } else {
            condition = HEAD_CONDITION_NEXT;
            values.put(":expected", n(request.expectedVersion()));
        }
        List<TransactWriteItem> actions = new ArrayList<>(prepared.items().size() + 2);
        actions.add(TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(Map.of("pk", s(pk), "sk", s(Keys.HEAD_SK)))
                .updateExpression(HEAD_UPDATE)
                .conditionExpression(condition)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build());
        for (ObjectNode item : prepared.items()) {
            Put.Builder put = Put.builder()
                    .tableName(tableName)
                    .item(AttributeValues.fromJson(item))
                    .conditionExpression("attribute_not_exists(pk)");
            if (actions.size() == 1) {
                // The event already at the first claimed version comes back with a conflict, so
                // recognising a repeat of this append needs no second request.
                put.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            }
            actions.add(TransactWriteItem.builder().put(put.build()).build());
        }
        if (idempotencyRecords) {
            // The record of this append under IDEM#<key>: a later append with the key finds it,
            // whatever was appended in between (ADR 0001).
            actions.add(TransactWriteItem.builder().put(Put.builder()
                    .tableName(tableName)
                    .item(AttributeValues.fromJson(prepared.idempotencyRecord()))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).build());
        }
        try {
            client.get().transactWriteItems(b -> b.transactItems(actions));
            return prepared.result(false);
        } catch (TransactionCanceledException e) {
            return resolveCancelled(prepared, e);
        } catch (SdkException e) {
            throw DynamoErrors.translate("TransactWriteItems", true, e);
        }
    }

    /**
     * A cancelled append: a repeat of one that landed, a reuse of its key, a conflict, or a failure
     * of the service. Every cancellation reason is looked at, in the order of the actions: head,
     * events, idempotency record.
     */
    private AppendResult resolveCancelled(PreparedAppend prepared, TransactionCanceledException e) {
        AppendRequest request = prepared.request();
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        boolean conflict = false;
        for (CancellationReason r : reasons) {
            String code = r.code() == null ? "None" : r.code();
            if (THROTTLING_REASONS.contains(code)) {
                throw new EventStoreException("TransactWriteItems", EventStoreException.Kind.THROTTLED, code, e);
            }
            if ("TransactionConflict".equals(code)) {
                conflict = true; // another transaction was writing one of these items at the same moment
            } else if (!"None".equals(code) && !"ConditionalCheckFailed".equals(code)) {
                throw new EventStoreException("TransactWriteItems", EventStoreException.Kind.REJECTED, code, e);
            }
        }
        int recordIndex = 1 + request.events().size();
        CancellationReason record = idempotencyRecords && reasons.size() > recordIndex ? reasons.get(recordIndex) : null;
        if (record != null && "ConditionalCheckFailed".equals(record.code())) {
            Map<String, AttributeValue> earlier = record.hasItem() && !record.item().isEmpty() ? record.item()
                    : get("GetItem", request.aggregate().pk(), Keys.idempotencySk(request.idempotencyKey()), null).item();
            LOG.debug("append to {} with idempotency key already recorded: not written again", request.aggregate());
            return prepared.repeatOf(AttributeValues.toJson(earlier));
        }
        if (conflict) {
            throw new ConcurrencyConflictException(request.aggregate(), request.expectedVersion(), OptionalLong.empty());
        }
        CancellationReason headReason = reasons.isEmpty() ? null : reasons.get(0);
        boolean headFailed = headReason == null || "ConditionalCheckFailed".equals(headReason.code());
        Optional<AggregateHead> head = headReason != null && headReason.hasItem() && !headReason.item().isEmpty()
                ? Optional.of(parseHead(request.aggregate().pk(), headReason.item()))
                : getHead(request.aggregate()); // the service did not return the old head
        long actual = head.map(AggregateHead::currentVersion).orElse(0L);
        if (!headFailed) {
            // The head was where this append expected it, yet an event item already sits at a
            // version the head has not reached: written outside the head's protection.
            long version = request.firstVersion();
            for (int i = 1; i < reasons.size() && i <= request.events().size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    version = request.expectedVersion() + i;
                    break;
                }
            }
            throw new CorruptItemException(request.aggregate().pk(), Keys.eventSk(version),
                    "an event item exists at a version its head (" + actual + ") has not reached");
        }
        Optional<AppendResult> onHead = head.flatMap(prepared::repeatOf);
        if (onHead.isPresent()) {
            LOG.debug("append to {} with idempotency key already on the head: not written again", request.aggregate());
            return onHead.get();
        }
        if (actual > request.expectedVersion()) {
            // The versions this append claimed are taken: by this very append, if an earlier try landed?
            CancellationReason firstEvent = reasons.size() > 1 ? reasons.get(1) : null;
            Optional<String> claimed = firstEvent != null && firstEvent.hasItem() && firstEvent.item().containsKey("eventId")
                    ? Optional.ofNullable(firstEvent.item().get("eventId").s())
                    : eventIdAt(request.aggregate(), request.firstVersion());
            if (claimed.isPresent() && claimed.get().equals(request.firstEvent().eventId())) {
                LOG.debug("append to {} at {} had already landed: not written again", request.aggregate(),
                        request.firstVersion());
                return prepared.result(true);
            }
        }
        throw new ConcurrencyConflictException(request.aggregate(), request.expectedVersion(), OptionalLong.of(actual));
    }

    @Override
    public Optional<AppendResult> findAppend(AggregateRef aggregate, String idempotencyKey) {
        String sk = Keys.idempotencySk(idempotencyKey);
        GetItemResponse r = get("GetItem", aggregate.pk(), sk, null);
        if (r.hasItem() && !r.item().isEmpty()) {
            try {
                return Optional.of(PreparedAppend.resultOf(aggregate, AttributeValues.toJson(r.item())));
            } catch (InvalidInputException e) {
                throw new CorruptItemException(aggregate.pk(), sk, e.getMessage());
            }
        }
        return getHead(aggregate).flatMap(h -> PreparedAppend.latestAppendWithKey(h, idempotencyKey));
    }

    private Optional<String> eventIdAt(AggregateRef aggregate, long version) {
        GetItemResponse r = get("GetItem", aggregate.pk(), Keys.eventSk(version), "eventId");
        AttributeValue id = r.hasItem() ? r.item().get("eventId") : null;
        return id == null || id.s() == null ? Optional.empty() : Optional.of(id.s());
    }

    @Override
    public Optional<AggregateHead> getHead(AggregateRef aggregate) {
        GetItemResponse r = get("GetItem", aggregate.pk(), Keys.HEAD_SK, null);
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(parseHead(aggregate.pk(), r.item())) : Optional.empty();
    }

    @Override
    public Optional<EventRecord> getEvent(AggregateRef aggregate, long version) {
        Keys.requireVersion("version", version);
        GetItemResponse r = get("GetItem", aggregate.pk(), Keys.eventSk(version), null);
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(parseEvent(r.item())) : Optional.empty();
    }

    @Override
    public Page<EventRecord> listEvents(EventQuery query) {
        if (query.isEmptyRange()) {
            return Page.last(List.of());
        }
        // Continue after the cursor by narrowing the range rather than with ExclusiveStartKey:
        // the same result, and a cursor outside the range cannot upset the service.
        QueryRequest.Builder q = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(
                        ":pk", s(query.aggregate().pk()),
                        ":from", s(query.fromSk()),
                        ":to", s(query.toSk())))
                .scanIndexForward(true)
                .consistentRead(consistentReads);
        if (query.hasLimit()) {
            // One more than asked tells whether there is more, so the last page has no cursor.
            q.limit((int) Math.min((long) query.limit() + 1, Integer.MAX_VALUE));
        }
        QueryResponse r;
        try {
            r = client.get().query(q.build());
        } catch (SdkException e) {
            throw DynamoErrors.translate("Query", false, e);
        }
        List<EventRecord> data = new ArrayList<>(r.count());
        for (Map<String, AttributeValue> item : r.items()) {
            if (query.hasLimit() && data.size() == query.limit()) {
                return new Page<>(data, data.get(data.size() - 1).sk());
            }
            data.add(parseEvent(item));
        }
        String cursor = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                ? r.lastEvaluatedKey().get("sk").s() : null;
        return new Page<>(data, cursor);
    }

    @Override
    public Page<AggregateRef> listTenantAggregates(String tenantId, int limit, String cursor) {
        Keys.requireNonBlank("tenantId", tenantId);
        if (limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1, was " + limit);
        }
        if (cursor != null) {
            AggregateRef.fromPk(cursor);
        }
        List<AggregateRef> data = new ArrayList<>();
        String after = cursor;
        while (true) {
            // Items of the index are events, many per aggregate: each query starts after the last
            // aggregate seen, so the rest of a long stream is skipped rather than read.
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":t", s(tenantId));
            if (after != null) {
                values.put(":after", s(after));
            }
            QueryRequest q = QueryRequest.builder().tableName(tableName)
                    .indexName(EventTable.TENANT_INDEX)
                    .keyConditionExpression(after == null ? "tenantId = :t" : "tenantId = :t AND pk > :after")
                    .expressionAttributeValues(values)
                    .projectionExpression("pk")
                    .limit(TENANT_QUERY_PAGE)
                    .build();
            QueryResponse r;
            try {
                r = client.get().query(q);
            } catch (SdkException e) {
                throw DynamoErrors.translate("Query", false, e);
            }
            for (Map<String, AttributeValue> item : r.items()) {
                String pk = item.get("pk").s();
                if (after != null && pk.compareTo(after) <= 0) {
                    continue;
                }
                if (data.size() == limit) {
                    return new Page<>(data, after);
                }
                data.add(AggregateRef.fromPk(pk));
                after = pk;
            }
            if (!r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
                return Page.last(data);
            }
        }
    }

    private GetItemResponse get(String operation, String pk, String sk, String projection) {
        try {
            return client.get().getItem(b -> {
                b.tableName(tableName).key(Map.of("pk", s(pk), "sk", s(sk))).consistentRead(consistentReads);
                if (projection != null) {
                    b.projectionExpression(projection);
                }
            });
        } catch (SdkException e) {
            throw DynamoErrors.translate(operation, false, e);
        }
    }

    private static AggregateHead parseHead(String pk, Map<String, AttributeValue> item) {
        try {
            return EventJson.headFromJson(AttributeValues.toJson(item));
        } catch (InvalidInputException e) {
            throw new CorruptItemException(pk, Keys.HEAD_SK, e.getMessage());
        }
    }

    static EventRecord parseEvent(Map<String, AttributeValue> item) {
        try {
            return EventJson.fromJson(AttributeValues.toJson(item));
        } catch (InvalidInputException e) {
            AttributeValue pk = item.get("pk");
            AttributeValue sk = item.get("sk");
            throw new CorruptItemException(pk == null ? null : pk.s(), sk == null ? null : sk.s(), e.getMessage());
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    /**
     * Configures a {@link DynamoDbEventStore}: its {@link DynamoDbSettings} (table, and a client or
     * the settings to build one on first use, never at class load), given whole with
     * {@link #settings} or filled by the shortcuts {@link #client}, {@link #tableName},
     * {@link #region}, {@link #endpoint}, {@link #credentials}, {@link #apiCallTimeout}; and the
     * store's own options.
     */
    public static final class Builder {
        private DynamoDbSettings.Builder settings = DynamoDbSettings.builder();
        private Clock clock = Clock.systemUTC();
        private boolean consistentReads = true;
        private boolean idempotencyRecords = true;
        private Duration idempotencyRetention = PreparedAppend.DEFAULT_IDEMPOTENCY_RETENTION;
        // Made by build() from the settings, for the store's constructor.
        private DynamoDbSettings built;
        private Supplier<DynamoDbClient> client;
        private String tableName;
        private boolean ownsClient;

        private Builder() {
        }

        /**
         * The table and the client. Replaces what the shortcuts set before; shortcuts called after
         * change it. A store closes the client its settings built (see {@link DynamoDbSettings}).
         */
        public Builder settings(DynamoDbSettings value) {
            this.settings = DynamoDbSettings.from(Checks.notNull(value, "settings"));
            return this;
        }

        /** A client you built and own (the store never closes it); excludes region, endpoint and credentials. */
        public Builder client(DynamoDbClient value) {
            settings.client(value);
            return this;
        }

        public Builder region(Region value) {
            settings.region(value);
            return this;
        }

        public Builder endpoint(URI value) {
            settings.endpoint(value);
            return this;
        }

        public Builder credentials(AwsCredentialsProvider value) {
            settings.credentials(value);
            return this;
        }

        /** Required: the shared event table. */
        public Builder tableName(String value) {
            settings.tableName(value);
            return this;
        }

        /** Stamps {@code updatedAt} and a missing {@code occurredAt}. Default: the UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Checks.notNull(value, "clock");
            return this;
        }

        /** Strongly consistent head, event and listing reads. Default: true (a load right after an append sees it). */
        public Builder consistentReads(boolean value) {
            this.consistentReads = value;
            return this;
        }

        /**
         * Write an idempotency record ({@code sk = IDEM#<key>}, itemType {@code idempotency}) with every
         * append, in the same transaction, so that a repeat is recognised whatever was appended since.
         * Default: true. Off, the store writes exactly the reference runtime's items and recognises a
         * repeat only from the head or the version it claimed (ADR 0001).
         */
        public Builder idempotencyRecords(boolean value) {
            this.idempotencyRecords = value;
            return this;
        }

        /**
         * How long an idempotency record is meant to live: its {@code expiresAt} attribute (epoch
         * seconds), for the table's TTL ({@link EventTable#create} enables it). Default: 7 days.
         */
        public Builder idempotencyRetention(Duration value) {
            this.idempotencyRetention = value;
            return this;
        }

        /** For a client this builder creates: the timeout of a whole call, retries included. Default 10 s. */
        public Builder apiCallTimeout(Duration value) {
            settings.apiCallTimeout(value);
            return this;
        }

        /** @throws InvalidInputException a bad setting, named (see {@link DynamoDbSettings.Builder#build()}) */
        public DynamoDbEventStore build() {
            built = settings.build();
            if (idempotencyRetention == null || idempotencyRetention.isNegative() || idempotencyRetention.isZero()) {
                throw new InvalidInputException("idempotencyRetention", "must be positive");
            }
            client = built::client;
            tableName = built.tableName();
            ownsClient = built.buildsClient();
            return new DynamoDbEventStore(this);
        }
    }
}
