package dev.eventfold.dynamodb;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.internal.Checks;
import dev.eventfold.dynamodb.internal.DynamoErrors;
import dev.eventfold.dynamodb.internal.AppendTransaction;
import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.Page;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.IdempotencyRecords;
import dev.eventfold.spi.PreparedAppend;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

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
    private static final int TENANT_QUERY_PAGE = 100;

    private final Supplier<DynamoDbClient> client;
    private final String tableName;
    private final Clock clock;
    private final boolean consistentReads;
    private final IdempotencyRecords idempotencyRecords;
    private final Duration idempotencyRetention;
    private final boolean ownsClient;
    private final DynamoDbSettings settings;
    private final AppendTransaction.Reads lookups = new AppendTransaction.Reads() {
        @Override
        public Map<String, AttributeValue> item(String pk, String sk) {
            return get("GetItem", pk, sk, null).item();
        }

        @Override
        public Optional<AggregateHead> head(AggregateRef aggregate) {
            return getHead(aggregate);
        }

        @Override
        public Optional<String> eventIdAt(AggregateRef aggregate, long version) {
            return DynamoDbEventStore.this.eventIdAt(aggregate, version);
        }
    };

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
        AppendTransaction transaction = new AppendTransaction(tableName, prepared, idempotencyRecords.recordFor(request));
        List<TransactWriteItem> actions = transaction.actions();
        for (int salt = 0; ; salt++) {
            String token = transaction.clientRequestToken(salt);
            try {
                client.get().transactWriteItems(b -> b.transactItems(actions).clientRequestToken(token));
                return prepared.result(false);
            } catch (TransactionCanceledException e) {
                return transaction.resolveCancelled(e, lookups);
            } catch (IdempotentParameterMismatchException e) {
                // The token is held for an earlier send of this append with other parameters.
                Optional<AppendResult> landed = transaction.resolveTokenMismatch(lookups);
                if (landed.isPresent()) {
                    return landed.get();
                }
                if (salt > 0) {
                    throw DynamoErrors.translate("TransactWriteItems", true, e);
                }
            } catch (SdkException e) {
                throw DynamoErrors.translate("TransactWriteItems", true, e);
            }
        }
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
        GetItemResponse r = get("GetItem", aggregate.pk(), Keys.eventSk(version), Attributes.EVENT_ID);
        AttributeValue id = r.hasItem() ? r.item().get(Attributes.EVENT_ID) : null;
        return id == null || id.s() == null ? Optional.empty() : Optional.of(id.s());
    }

    @Override
    public Optional<AggregateHead> getHead(AggregateRef aggregate) {
        GetItemResponse r = get("GetItem", aggregate.pk(), Keys.HEAD_SK, null);
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(AttributeValues.head(aggregate.pk(), r.item())) : Optional.empty();
    }

    @Override
    public Optional<EventRecord> getEvent(AggregateRef aggregate, long version) {
        Keys.requireVersion("version", version);
        GetItemResponse r = get("GetItem", aggregate.pk(), Keys.eventSk(version), null);
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(AttributeValues.event(r.item())) : Optional.empty();
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
            data.add(AttributeValues.event(item));
        }
        String cursor = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                ? r.lastEvaluatedKey().get(Attributes.SK).s() : null;
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
                    .projectionExpression(Attributes.PK)
                    .limit(TENANT_QUERY_PAGE)
                    .build();
            QueryResponse r;
            try {
                r = client.get().query(q);
            } catch (SdkException e) {
                throw DynamoErrors.translate("Query", false, e);
            }
            for (Map<String, AttributeValue> item : r.items()) {
                String pk = item.get(Attributes.PK).s();
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
                b.tableName(tableName).key(AttributeValues.key(pk, sk)).consistentRead(consistentReads);
                if (projection != null) {
                    b.projectionExpression(projection);
                }
            });
        } catch (SdkException e) {
            throw DynamoErrors.translate(operation, false, e);
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
        private IdempotencyRecords idempotencyRecords = IdempotencyRecords.CALLER_KEYS;
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
         * When an append also writes an idempotency record ({@code sk = IDEM#<key>}, itemType
         * {@code idempotency}) in its transaction, so that a repeat with the same key is recognised
         * whatever was appended since. Default {@link IdempotencyRecords#CALLER_KEYS}: for keys and
         * event ids a caller supplied, not for those a dispatcher generated (it recognises its own
         * resends by the versions they claimed, so those appends write exactly the reference
         * runtime's items and write units). ADR 0001.
         */
        public Builder idempotencyRecords(IdempotencyRecords value) {
            this.idempotencyRecords = Checks.notNull(value, "idempotencyRecords");
            return this;
        }

        /** {@code true}: {@link IdempotencyRecords#ALWAYS}; {@code false}: {@link IdempotencyRecords#NEVER}. */
        public Builder idempotencyRecords(boolean value) {
            return idempotencyRecords(value ? IdempotencyRecords.ALWAYS : IdempotencyRecords.NEVER);
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
