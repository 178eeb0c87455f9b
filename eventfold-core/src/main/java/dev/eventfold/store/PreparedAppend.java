package dev.eventfold.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.AppendTooLargeException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.Timestamps;
import dev.eventfold.core.json.DynamoItemSize;
import dev.eventfold.core.json.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AppendRequest} turned into the exact event items to write, with DynamoDB's size
 * limits checked. Every store goes through it, so the in-memory store refuses exactly what
 * DynamoDB would, before anything is written.
 */
public final class PreparedAppend {
    private final AppendRequest request;
    private final List<EventRecord> records;
    private final List<ObjectNode> items;
    private final String updatedAt;

    private PreparedAppend(AppendRequest request, List<EventRecord> records, List<ObjectNode> items, String updatedAt) {
        this.request = request;
        this.records = records;
        this.items = items;
        this.updatedAt = updatedAt;
    }

    /**
     * @throws AppendTooLargeException an item over 400 KB, or more than 4 MB in the transaction
     */
    public static PreparedAppend of(AppendRequest request, Instant now) {
        List<EventRecord> records = new ArrayList<>(request.events().size());
        List<ObjectNode> items = new ArrayList<>(request.events().size());
        long total = 0;
        long version = request.expectedVersion();
        for (var event : request.events()) {
            EventRecord record = event.toRecord(request.aggregate(), ++version, now);
            ObjectNode item = EventJson.toItemJson(record);
            long size = DynamoItemSize.of(item);
            if (size > DynamoItemSize.MAX_ITEM_BYTES) {
                throw new AppendTooLargeException("event " + event.eventId(), size, DynamoItemSize.MAX_ITEM_BYTES,
                        "bytes (DynamoDB item limit)");
            }
            total += size;
            records.add(record);
            items.add(item);
        }
        if (total > DynamoItemSize.MAX_TRANSACTION_BYTES) {
            throw new AppendTooLargeException("events", total, DynamoItemSize.MAX_TRANSACTION_BYTES,
                    "bytes (DynamoDB transaction limit)");
        }
        return new PreparedAppend(request, List.copyOf(records), List.copyOf(items), Timestamps.format(now));
    }

    public AppendRequest request() {
        return request;
    }

    /** The events as they will be stored, versions assigned. */
    public List<EventRecord> records() {
        return records;
    }

    /** The event items as plain JSON, in the attribute layout of WIRE.md section 2. */
    public List<ObjectNode> items() {
        return items;
    }

    /** The head's {@code updatedAt}. */
    public String updatedAt() {
        return updatedAt;
    }

    public AppendResult result(boolean alreadyAppended) {
        return new AppendResult(request.aggregate(), request.firstVersion(), request.lastVersion(), alreadyAppended);
    }
}
