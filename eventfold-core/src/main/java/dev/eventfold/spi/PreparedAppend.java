package dev.eventfold.spi;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.store.AppendRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.AppendTooLargeException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.spi.wire.DynamoItemSize;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link AppendRequest} turned into the exact event items to write, with DynamoDB's size
 * limits checked. Every store goes through it, so the in-memory store refuses exactly what
 * DynamoDB would, before anything is written.
 */
public final class PreparedAppend {
    /** How long idempotency records are kept by default (their {@code expiresAt}, for the table's TTL). */
    public static final Duration DEFAULT_IDEMPOTENCY_RETENTION = Duration.ofDays(7);

    private final AppendRequest request;
    private final List<EventRecord> records;
    private final List<ObjectNode> items;
    private final ObjectNode idempotencyRecord;
    private final String updatedAt;

    private PreparedAppend(AppendRequest request, List<EventRecord> records, List<ObjectNode> items,
                           ObjectNode idempotencyRecord, String updatedAt) {
        this.request = request;
        this.records = records;
        this.items = items;
        this.idempotencyRecord = idempotencyRecord;
        this.updatedAt = updatedAt;
    }

    /**
     * @throws AppendTooLargeException an item over 400 KB, or more than 4 MB in the transaction
     */
    public static PreparedAppend of(AppendRequest request, Instant now) {
        return of(request, now, DEFAULT_IDEMPOTENCY_RETENTION);
    }

    /**
     * @param idempotencyRetention how long the idempotency record is meant to live ({@code expiresAt})
     */
    public static PreparedAppend of(AppendRequest request, Instant now, Duration idempotencyRetention) {
        // Resends of one request carry the time of its first attempt: the same transaction again.
        now = request.at() != null ? request.at() : now;
        List<EventRecord> records = new ArrayList<>(request.events().size());
        List<ObjectNode> items = new ArrayList<>(request.events().size());
        long total = 0;
        long version = request.expectedVersion();
        for (var event : request.events()) {
            EventRecord record = event.toRecord(request.aggregate(), ++version, now);
            ObjectNode item = EventItems.toItemJson(record);
            long size = DynamoItemSize.of(item);
            if (size > DynamoItemSize.MAX_ITEM_BYTES) {
                throw new AppendTooLargeException("event " + event.eventId(), size, DynamoItemSize.MAX_ITEM_BYTES,
                        "bytes (DynamoDB item limit)");
            }
            total += size;
            records.add(record);
            items.add(item);
        }
        ObjectNode marker = EventItems.idempotencyRecord(request, now, idempotencyRetention);
        // The head counts too: its size depends only on short keys, ids and the timestamp.
        total += DynamoItemSize.of(marker) + 1024;
        if (total > DynamoItemSize.MAX_TRANSACTION_BYTES) {
            throw new AppendTooLargeException("events", total, DynamoItemSize.MAX_TRANSACTION_BYTES,
                    "bytes (DynamoDB transaction limit)");
        }
        return new PreparedAppend(request, List.copyOf(records), List.copyOf(items), marker, Timestamps.format(now));
    }

    /**
     * Reads the result an idempotency record stands for.
     *
     * @throws InvalidInputException when the record is malformed
     */
    public static AppendResult resultOf(AggregateRef aggregate, ObjectNode record) {
        return EventItems.appendOf(aggregate, record);
    }

    /**
     * This request, meeting a head whose latest append carried the same key (a head written by a
     * runtime without idempotency records): the original result, or a reuse of the key for other
     * events, refused. Empty when the head's key is another.
     */
    public Optional<AppendResult> repeatOf(AggregateHead head) {
        if (!request.idempotencyKey().equals(head.lastIdemKey())) {
            return Optional.empty();
        }
        if (!request.lastEvent().eventId().equals(head.lastEventId())) {
            throw new InvalidInputException("idempotencyKey", "already used for another append to "
                    + request.aggregate() + " (last event " + head.lastEventId() + ")");
        }
        long version = head.currentVersion();
        return Optional.of(new AppendResult(request.aggregate(), Math.max(1, version - request.events().size() + 1),
                version, true));
    }

    /** The append a head's {@code lastIdemKey} stands for, when it is {@code idempotencyKey}. */
    public static Optional<AppendResult> latestAppendWithKey(AggregateHead head, String idempotencyKey) {
        return idempotencyKey.equals(head.lastIdemKey())
                ? Optional.of(new AppendResult(head.aggregate(), head.currentVersion(), head.currentVersion(), true))
                : Optional.empty();
    }

    /** The record of this append under {@code IDEM#<idempotencyKey>}, written in the same transaction. */
    public ObjectNode idempotencyRecord() {
        return idempotencyRecord;
    }

    /**
     * This request, meeting the record of an earlier append with the same key: the same append
     * again (its first event id matches) gives the original result; anything else is a reuse of
     * the key for other events, refused.
     */
    public AppendResult repeatOf(ObjectNode earlierRecord) {
        JsonNode eventId = earlierRecord.get(Attributes.EVENT_ID);
        if (eventId == null || !request.firstEvent().eventId().equals(eventId.asText())) {
            throw new InvalidInputException("idempotencyKey", "already used for another append to "
                    + request.aggregate() + " (first event " + (eventId == null ? "unknown" : eventId.asText()) + ")");
        }
        return resultOf(request.aggregate(), earlierRecord);
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
