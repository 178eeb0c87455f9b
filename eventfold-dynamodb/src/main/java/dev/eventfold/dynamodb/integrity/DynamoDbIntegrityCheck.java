package dev.eventfold.dynamodb.integrity;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.internal.Checks;
import dev.eventfold.dynamodb.DynamoDbComponentBuilder;
import dev.eventfold.dynamodb.DynamoDbSettings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.dynamodb.scan.DynamoDbScanSource;
import dev.eventfold.dynamodb.internal.ParallelScan;
import dev.eventfold.integrity.IntegrityChecker;
import dev.eventfold.integrity.IntegrityReport;
import dev.eventfold.replay.ScanFilter;
import dev.eventfold.replay.ScanSource;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The integrity check against a DynamoDB event table, reading raw items (so a corrupt item is
 * reported, never thrown): one aggregate (a Query of its partition), a tenant (its aggregates
 * found through the {@code tenantIndex}, then each partition), or the whole table (a parallel
 * Scan). The verdicts are {@link IntegrityChecker}'s.
 *
 * <p>A parallel Scan is not a point-in-time view: on a live table it can read an aggregate's
 * head before an append and its events after it, and see a mismatch that never existed. So the
 * whole-table check reads every flagged aggregate again with a strongly consistent Query of its
 * partition (events and head) and reports only the defects that persist. Idempotency records
 * ({@code IDEM#}), snapshots and checkpoints are counted, never judged.
 *
 * <pre>{@code
 * DynamoDbIntegrityCheck check = DynamoDbIntegrityCheck.builder().client(ddb).tableName("events").segments(8).build();
 * IntegrityReport report = check.checkTable();
 * System.exit(report.exitCode());
 * }</pre>
 *
 * <p>Defaults: 4 scan segments, strongly consistent reads, {@value IntegrityChecker#DEFAULT_MAX_DEFECTS}
 * listed defects, no progress callback.
 */
public final class DynamoDbIntegrityCheck {
    private static final int PROGRESS_EVERY = 500;

    private final DynamoDbSettings settings;
    private final String tableName;
    private final int segments;
    private final boolean consistentRead;
    private final int maxDefects;
    private final LongConsumer progress;
    private final UnaryOperator<ScanSource> scanHook;

    private DynamoDbIntegrityCheck(Builder b) {
        this.settings = b.built;
        this.tableName = b.built.tableName();
        this.segments = b.segments;
        this.consistentRead = b.consistentRead;
        this.maxDefects = b.maxDefects;
        this.progress = b.progress;
        this.scanHook = b.scanHook;
    }

    public static Builder builder() {
        return new Builder();
    }

    public IntegrityReport checkAggregate(AggregateRef aggregate) {
        IntegrityChecker checker = new IntegrityChecker("aggregate " + aggregate, maxDefects);
        Consumer<ObjectNode> sink = counting(checker);
        partition(aggregate.pk(), sink);
        return checker.report();
    }

    public IntegrityReport checkTenant(String tenantId) {
        Keys.requireNonBlank("tenantId", tenantId);
        IntegrityChecker checker = new IntegrityChecker("tenant " + tenantId, maxDefects);
        Consumer<ObjectNode> sink = counting(checker);
        for (String pk : tenantPartitions(tenantId)) {
            partition(pk, sink);
        }
        return checker.report();
    }

    public IntegrityReport checkTable() {
        IntegrityChecker checker = new IntegrityChecker("table " + tableName, maxDefects);
        ScanSource source = scanHook.apply(DynamoDbScanSource.builder().settings(settings)
                .consistentRead(consistentRead).build());
        ParallelScan.forEach(source, segments, ScanFilter.ALL_ITEMS, counting(checker));
        return checker.report(pk -> Optional.of(recheck(pk)));
    }

    /** One partition read again, strongly consistent whatever the builder says: the verdict that stands. */
    private IntegrityReport recheck(String pk) {
        IntegrityChecker again = new IntegrityChecker("partition " + pk, maxDefects);
        partition(pk, true, again::accept);
        return again.report();
    }

    private Consumer<ObjectNode> counting(IntegrityChecker checker) {
        AtomicLong n = new AtomicLong();
        return item -> {
            checker.accept(item);
            long c = n.incrementAndGet();
            if (progress != null && c % PROGRESS_EVERY == 0) {
                progress.accept(c);
            }
        };
    }

    /** Every item of a partition: events, head, snapshots. */
    private void partition(String pk, Consumer<ObjectNode> sink) {
        partition(pk, consistentRead, sink);
    }

    private void partition(String pk, boolean consistent, Consumer<ObjectNode> sink) {
        QueryRequest q = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                .consistentRead(consistent)
                .build();
        try {
            client().queryPaginator(q).items().forEach(item -> sink.accept(AttributeValues.toJson(item)));
        } catch (SdkException e) {
            throw new EventStoreException("Query", e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
                    && s.statusCode() < 500 && !s.isThrottlingException() ? EventStoreException.Kind.REJECTED
                    : EventStoreException.Kind.UNAVAILABLE, "integrity check of " + pk, e);
        }
    }

    /** The partition keys of a tenant's aggregates, from the index (which only holds events with that tenantId). */
    private TreeSet<String> tenantPartitions(String tenantId) {
        TreeSet<String> pks = new TreeSet<>();
        QueryRequest q = QueryRequest.builder().tableName(tableName).indexName(EventTable.TENANT_INDEX)
                .keyConditionExpression("tenantId = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenantId)))
                .projectionExpression(Attributes.PK)
                .build();
        try {
            client().queryPaginator(q).items().forEach(item -> {
                AttributeValue pk = item.get(Attributes.PK);
                if (pk != null && pk.s() != null) {
                    pks.add(pk.s());
                }
            });
        } catch (SdkException e) {
            throw new EventStoreException("Query", EventStoreException.Kind.UNAVAILABLE, "tenant index of " + tenantId, e);
        }
        return pks;
    }

    /** The client of the settings: given, or built on first use. */
    private DynamoDbClient client() {
        return settings.client();
    }

    /** Builds a {@link DynamoDbIntegrityCheck}; a client (or settings) and a table name are required. */
    public static final class Builder extends DynamoDbComponentBuilder<Builder> {
        private DynamoDbSettings built;
        private int segments = 4;
        private boolean consistentRead = true;
        private int maxDefects = IntegrityChecker.DEFAULT_MAX_DEFECTS;
        private LongConsumer progress;
        private UnaryOperator<ScanSource> scanHook = UnaryOperator.identity();

        private Builder() {
        }

        /** For tests: wraps the whole-table scan's source (to change the table while it is read). */
        Builder scanHook(UnaryOperator<ScanSource> v) {
            this.scanHook = Checks.notNull(v, "scanHook");
            return this;
        }

        /** Segments of the whole-table scan, read in parallel. */
        public Builder segments(int v) {
            this.segments = v;
            return this;
        }

        public Builder consistentRead(boolean v) {
            this.consistentRead = v;
            return this;
        }

        public Builder maxDefects(int v) {
            this.maxDefects = v;
            return this;
        }

        /** Called with the number of items read so far, every 500 items, from any thread. */
        public Builder progress(LongConsumer v) {
            this.progress = Checks.notNull(v, "progress");
            return this;
        }

        public DynamoDbIntegrityCheck build() {
            built = buildSettings();
            if (segments < 1 || segments > 1000) {
                throw new InvalidInputException("segments", "must be in 1..1000, was " + segments);
            }
            if (maxDefects < 0) {
                throw new InvalidInputException("maxDefects", "must not be negative, was " + maxDefects);
            }
            return new DynamoDbIntegrityCheck(this);
        }
    }
}
