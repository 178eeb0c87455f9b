package dev.eventfold.dynamodb.internal;

import static dev.eventfold.spi.wire.Attributes.AGGREGATE_ID;
import static dev.eventfold.spi.wire.Attributes.AGGREGATE_TYPE;
import static dev.eventfold.spi.wire.Attributes.CURRENT_VERSION;
import static dev.eventfold.spi.wire.Attributes.EVENT_ID;
import static dev.eventfold.spi.wire.Attributes.ITEM_TYPE;
import static dev.eventfold.spi.wire.Attributes.LAST_EVENT_ID;
import static dev.eventfold.spi.wire.Attributes.LAST_IDEM_KEY;
import static dev.eventfold.spi.wire.Attributes.PK;
import static dev.eventfold.spi.wire.Attributes.UPDATED_AT;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.internal.DerivedIds;
import dev.eventfold.store.AppendRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * One append as a {@code TransactWriteItems}: the head update, every event item and (when on) the
 * idempotency record, in that order; and the decoding of its cancellation into a repeat, a reuse
 * of the key, a conflict or a failure of the service.
 *
 * <p>The head's condition also requires {@code lastIdemKey <> :idem}, and every failed condition
 * that can tell something returns the item it met ({@code ReturnValuesOnConditionCheckFailure =
 * ALL_OLD}): the head, the event at the first claimed version, the earlier record. A conflict or a
 * recognised repeat thus costs one request. See {@code docs/adr/0001-idempotent-appends.md}.
 */
public final class AppendTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(AppendTransaction.class);
    private static final String HEAD_CONDITION_NEW = "attribute_not_exists(" + CURRENT_VERSION + ")";
    private static final String HEAD_CONDITION_NEXT = CURRENT_VERSION + " = :expected AND (attribute_not_exists("
            + LAST_IDEM_KEY + ") OR " + LAST_IDEM_KEY + " <> :idem)";
    private static final String HEAD_UPDATE = "SET " + CURRENT_VERSION + " = :next, " + LAST_EVENT_ID + " = :eid, "
            + LAST_IDEM_KEY + " = :idem, " + UPDATED_AT + " = :now, " + ITEM_TYPE + " = :itemType, "
            + AGGREGATE_ID + " = if_not_exists(" + AGGREGATE_ID + ", :aid), "
            + AGGREGATE_TYPE + " = if_not_exists(" + AGGREGATE_TYPE + ", :atype)";
    private static final String ITEM_IS_NEW = "attribute_not_exists(" + PK + ")";
    /** Cancellation reason codes that mean "too much load": retryable, never a conflict. */
    private static final Set<String> THROTTLING_REASONS =
            Set.of("ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded", "Throttling");

    /** The reads a cancellation may need when the service did not return the items it met. */
    public interface Reads {
        /** The item at a key, empty when there is none. */
        Map<String, AttributeValue> item(String pk, String sk);

        Optional<AggregateHead> head(AggregateRef aggregate);

        Optional<String> eventIdAt(AggregateRef aggregate, long version);
    }

    private final String tableName;
    private final PreparedAppend prepared;
    private final boolean idempotencyRecord;

    public AppendTransaction(String tableName, PreparedAppend prepared, boolean idempotencyRecord) {
        this.tableName = tableName;
        this.prepared = prepared;
        this.idempotencyRecord = idempotencyRecord;
    }

    /**
     * The transaction's {@code ClientRequestToken}: derived from the append's identity (aggregate,
     * idempotency key, first and last event id, number of events) and the versions it claims, as
     * akka-persistence-dynamodb derives its token from writer and sequence number. A resend of the
     * very same request has the same token, so DynamoDB itself recognises it for 10 minutes; an
     * attempt re-based on another version is another transaction with another token. {@code salt} 0
     * is the token; a later salt gives a fresh one for a request whose token DynamoDB holds for other
     * parameters ({@code IdempotentParameterMismatch}). At most 36 characters, as DynamoDB allows.
     */
    public String clientRequestToken(int salt) {
        AppendRequest request = prepared.request();
        String identity = request.aggregate().pk() + "\n" + request.idempotencyKey() + "\n"
                + request.firstEvent().eventId() + "\n" + request.lastEvent().eventId() + "\n"
                + request.events().size() + "\n" + request.expectedVersion() + "\n" + salt;
        return "ef-" + DerivedIds.base32(DerivedIds.sha256(identity), 33);
    }

    /**
     * DynamoDB holds this append's token for a transaction with other parameters: an earlier send
     * of the same append (the same identity and versions, stamped at another time: a resubmission
     * after a crash, or a store without {@code AppendRequest.at}). If that one landed, its first
     * event sits at the first claimed version.
     *
     * @return the original result when it landed; empty when it did not, and the append may be
     *         sent again with a fresh token (its conditions still guard every version)
     */
    public Optional<AppendResult> resolveTokenMismatch(Reads reads) {
        return landedAtClaimedVersion(reads, "token held");
    }

    private Optional<AppendResult> landedAtClaimedVersion(Reads reads, String why) {
        return landedAtClaimedVersion(Optional.empty(), reads, why);
    }

    /**
     * This append's first event at the first version it claims: an earlier send of it landed. The
     * event id the cancellation returned for that version, else one read.
     */
    private Optional<AppendResult> landedAtClaimedVersion(Optional<String> returnedEventId, Reads reads, String why) {
        AppendRequest request = prepared.request();
        Optional<String> claimed = returnedEventId.isPresent() ? returnedEventId
                : reads.eventIdAt(request.aggregate(), request.firstVersion());
        if (claimed.isPresent() && claimed.get().equals(request.firstEvent().eventId())) {
            LOG.debug("append to {} at {} had already landed ({}): not written again", request.aggregate(),
                    request.firstVersion(), why);
            return Optional.of(prepared.result(true));
        }
        return Optional.empty();
    }

    /** The actions of the transaction: head, events, then the idempotency record when on. */
    public List<TransactWriteItem> actions() {
        AppendRequest request = prepared.request();
        AggregateRef aggregate = request.aggregate();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", n(request.lastVersion()));
        values.put(":eid", s(request.lastEvent().eventId()));
        values.put(":idem", s(request.idempotencyKey()));
        values.put(":now", s(prepared.updatedAt()));
        values.put(":itemType", s(Attributes.ITEM_TYPE_HEAD));
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
                .key(AttributeValues.key(aggregate.pk(), Keys.HEAD_SK))
                .updateExpression(HEAD_UPDATE)
                .conditionExpression(condition)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build());
        for (ObjectNode item : prepared.items()) {
            Put.Builder put = Put.builder()
                    .tableName(tableName)
                    .item(AttributeValues.fromJson(item))
                    .conditionExpression(ITEM_IS_NEW);
            if (actions.size() == 1) {
                // The event already at the first claimed version comes back with a conflict, so
                // recognising a repeat of this append needs no second request.
                put.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            }
            actions.add(TransactWriteItem.builder().put(put.build()).build());
        }
        if (idempotencyRecord) {
            // The record of this append under IDEM#<key>: a later append with the key finds it,
            // whatever was appended in between (ADR 0001).
            actions.add(TransactWriteItem.builder().put(Put.builder()
                    .tableName(tableName)
                    .item(AttributeValues.fromJson(prepared.idempotencyRecord()))
                    .conditionExpression(ITEM_IS_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).build());
        }
        return actions;
    }

    /**
     * A cancelled append: a repeat of one that landed, a reuse of its key, a conflict, or a failure
     * of the service. Every cancellation reason is looked at, in the order of the actions: head,
     * events, idempotency record.
     *
     * @return the original result of a recognised repeat
     * @throws ConcurrencyConflictException another append holds the versions this one expected
     * @throws EventStoreException          throttled or rejected by the service
     * @throws CorruptItemException         an event item sits where its head has not reached
     */
    public AppendResult resolveCancelled(TransactionCanceledException e, Reads reads) {
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
        CancellationReason record = idempotencyRecord && reasons.size() > recordIndex ? reasons.get(recordIndex) : null;
        if (record != null && "ConditionalCheckFailed".equals(record.code())) {
            Map<String, AttributeValue> earlier = record.hasItem() && !record.item().isEmpty() ? record.item()
                    : reads.item(request.aggregate().pk(), Keys.idempotencySk(request.idempotencyKey()));
            LOG.debug("append to {} with idempotency key already recorded: not written again", request.aggregate());
            return prepared.repeatOf(AttributeValues.toJson(earlier));
        }
        if (conflict) {
            // Another transaction was writing these items at this moment. It may have been an earlier
            // send of this very request (the SDK resends a lost response itself, unseen by the caller):
            // then its first event sits at the first claimed version. One read, on a rare path.
            Optional<AppendResult> landed = landedAtClaimedVersion(reads, "cancelled resend");
            if (landed.isPresent()) {
                return landed.get();
            }
            throw new ConcurrencyConflictException(request.aggregate(), request.expectedVersion(), OptionalLong.empty());
        }
        CancellationReason headReason = reasons.isEmpty() ? null : reasons.get(0);
        boolean headFailed = headReason == null || "ConditionalCheckFailed".equals(headReason.code());
        Optional<AggregateHead> head = headReason != null && headReason.hasItem() && !headReason.item().isEmpty()
                ? Optional.of(AttributeValues.head(request.aggregate().pk(), headReason.item()))
                : reads.head(request.aggregate()); // the service did not return the old head
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
            Optional<String> returned = firstEvent != null && firstEvent.hasItem() && firstEvent.item().containsKey(EVENT_ID)
                    ? Optional.ofNullable(firstEvent.item().get(EVENT_ID).s()) : Optional.empty();
            Optional<AppendResult> landed = landedAtClaimedVersion(returned, reads, "head moved past it");
            if (landed.isPresent()) {
                return landed.get();
            }
        }
        throw new ConcurrencyConflictException(request.aggregate(), request.expectedVersion(), OptionalLong.of(actual));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
