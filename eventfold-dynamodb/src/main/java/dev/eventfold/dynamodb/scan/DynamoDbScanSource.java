package dev.eventfold.dynamodb.scan;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.internal.Checks;
import dev.eventfold.dynamodb.DynamoDbComponentBuilder;
import dev.eventfold.dynamodb.DynamoDbSettings;
import dev.eventfold.dynamodb.internal.DynamoErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.replay.ScanFilter;
import dev.eventfold.replay.ScanSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A parallel Scan of the event table ({@code Segment}/{@code TotalSegments}), one page at a time,
 * items as plain JSON through {@link AttributeValues#toJson}. Serves the replay's
 * type-and-time selector and the whole-table integrity check.
 *
 * <pre>{@code
 * ScanSource scan = DynamoDbScanSource.builder().client(ddb).tableName("events").build();
 * Page<ObjectNode> page = scan.scan(0, 4, null, ScanFilter.ALL_EVENTS);
 * }</pre>
 *
 * <p>The cursor is DynamoDB's {@code LastEvaluatedKey} as compact JSON (pk and sk). A
 * {@link ScanFilter} becomes a {@code FilterExpression} ({@code itemType = event}, {@code eventType
 * IN (...)}): it saves transfer, not read capacity, which Scan counts before filtering. Pages may
 * then be empty while the cursor goes on. Defaults: page limit 500 items, eventually consistent
 * reads (a Scan's usual mode; set {@code consistentRead(true)} for a check right after writes).
 */
public final class DynamoDbScanSource implements ScanSource {
    /** FilterExpression takes at most 100 operands in an IN list. */
    private static final int MAX_IN = 100;

    private final DynamoDbSettings settings;
    private final String tableName;
    private final int pageLimit;
    private final boolean consistentRead;

    private DynamoDbScanSource(Builder b) {
        this.settings = b.built;
        this.tableName = b.built.tableName();
        this.pageLimit = b.pageLimit;
        this.consistentRead = b.consistentRead;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Page<ObjectNode> scan(int segment, int totalSegments, String cursor, ScanFilter filter) {
        if (totalSegments < 1 || segment < 0 || segment >= totalSegments) {
            throw new InvalidInputException("segment", segment + " is outside 0.." + (totalSegments - 1));
        }
        ScanRequest.Builder req = ScanRequest.builder().tableName(tableName).limit(pageLimit)
                .consistentRead(consistentRead);
        if (totalSegments > 1) {
            req.segment(segment).totalSegments(totalSegments);
        }
        if (cursor != null) {
            req.exclusiveStartKey(decodeCursor(cursor));
        }
        applyFilter(req, filter == null ? ScanFilter.ALL_ITEMS : filter);
        ScanResponse r;
        try {
            r = client().scan(req.build());
        } catch (SdkException e) {
            throw DynamoErrors.translate("Scan", false, e);
        }
        List<ObjectNode> items = new ArrayList<>(r.items().size());
        for (Map<String, AttributeValue> item : r.items()) {
            items.add(AttributeValues.toJson(item));
        }
        String next = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? encodeCursor(r.lastEvaluatedKey()) : null;
        return new Page<>(items, next);
    }

    @Override
    public String describe() {
        return "table " + tableName;
    }

    private static void applyFilter(ScanRequest.Builder req, ScanFilter filter) {
        List<String> clauses = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        if (filter.eventsOnly()) {
            clauses.add("#it = :event");
            names.put("#it", Attributes.ITEM_TYPE);
            values.put(":event", AttributeValue.fromS(Attributes.ITEM_TYPE_EVENT));
        }
        if (!filter.eventTypes().isEmpty() && filter.eventTypes().size() <= MAX_IN) {
            List<String> refs = new ArrayList<>();
            int i = 0;
            for (String t : filter.eventTypes()) {
                String ref = ":t" + i++;
                refs.add(ref);
                values.put(ref, AttributeValue.fromS(t));
            }
            names.put("#et", "eventType");
            clauses.add("#et IN (" + String.join(", ", refs) + ")");
        }
        if (!clauses.isEmpty()) {
            req.filterExpression(String.join(" AND ", clauses)).expressionAttributeNames(names)
                    .expressionAttributeValues(values);
        }
    }

    private static String encodeCursor(Map<String, AttributeValue> key) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        key.forEach((k, v) -> o.put(k, v.s()));
        return EventJson.write(o);
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor) {
        JsonNode o;
        try {
            o = EventJson.parse(cursor);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("cursor", "not a cursor of this scan");
        }
        if (!o.isObject() || !o.path(Attributes.PK).isTextual() || !o.path(Attributes.SK).isTextual()) {
            throw new InvalidInputException("cursor", "not a cursor of this scan");
        }
        return Map.of(Attributes.PK, AttributeValue.fromS(o.get(Attributes.PK).textValue()), Attributes.SK, AttributeValue.fromS(o.get(Attributes.SK).textValue()));
    }

    /** The client of the settings: given, or built on first use. */
    private DynamoDbClient client() {
        return settings.client();
    }

    /** Builds a {@link DynamoDbScanSource}; a client (or settings) and a table name are required. */
    public static final class Builder extends DynamoDbComponentBuilder<Builder> {
        private DynamoDbSettings built;
        private int pageLimit = 500;
        private boolean consistentRead;

        private Builder() {
        }

        /** Items DynamoDB evaluates per request (before the filter), 1..10000 here; DynamoDB stops at 1 MB anyway. */
        public Builder pageLimit(int v) {
            this.pageLimit = v;
            return this;
        }

        public Builder consistentRead(boolean v) {
            this.consistentRead = v;
            return this;
        }

        public DynamoDbScanSource build() {
            built = buildSettings();
            if (pageLimit < 1 || pageLimit > 10_000) {
                throw new InvalidInputException("pageLimit", "must be in 1..10000, was " + pageLimit);
            }
            return new DynamoDbScanSource(this);
        }
    }
}
