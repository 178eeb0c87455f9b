package dev.eventfold.dispatch;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.NewEvent;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.store.AppendRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * How the appends of one {@link Dispatcher} to one aggregate take turns (when serialised) and
 * how those that queue up behind each other go out together as one append (flat combining).
 */
final class AppendQueue {
    private final AppendLoop appends;
    private final Clock clock;
    private final AggregateLocks locks; // null: appends race each other through the store's check

    AppendQueue(AppendLoop appends, Clock clock, boolean serialize) {
        this.appends = appends;
        this.clock = clock;
        this.locks = serialize ? new AggregateLocks() : null;
    }

    /** One append of {@code events}, after this process's other appends to the aggregate when serialised. */
    List<DispatchResult> append(AggregateRef aggregate, List<NewEvent> events, String idempotencyKey,
                                OptionalLong fixedVersion, boolean generatedKey) {
        String pk = aggregate.pk();
        AggregateLocks.Entry lock = locks == null ? null : locks.acquire(pk);
        try {
            return appends.append(aggregate, events, idempotencyKey, fixedVersion, pk, generatedKey);
        } finally {
            if (lock != null) {
                locks.release(pk, lock);
            }
        }
    }

    /**
     * Flat combining: the dispatch joins its aggregate's queue, and whichever thread holds the
     * aggregate's lock appends everything queued, in arrival order, as one transaction. Alone, a
     * dispatch is one append of one event as usual; under contention, one request carries many.
     * Needs serialised appends.
     */
    DispatchResult combined(AggregateRef aggregate, NewEvent event) {
        // Checked alone before it can share an append: a bad event fails its own dispatch only, unsent.
        // At the largest version: the version's digits are part of the item's size.
        PreparedAppend alone = PreparedAppend.of(AppendRequest.of(aggregate, Keys.MAX_VERSION - 1, event), clock.instant());
        PendingDispatch mine = new PendingDispatch(event, DynamoItemSize.of(alone.items().get(0)));
        String pk = aggregate.pk();
        AggregateLocks.Entry entry = locks.join(pk);
        entry.pending.add(mine);
        entry.lock.lock();
        try {
            while (!mine.result.isDone()) {
                commit(aggregate, pk, drain(entry));
            }
        } finally {
            locks.release(pk, entry);
        }
        return mine.join();
    }

    /** The oldest queued dispatches that fit one transaction ({@link AppendRequest#MAX_EVENTS} events, the size limit). */
    private static List<PendingDispatch> drain(AggregateLocks.Entry entry) {
        List<PendingDispatch> group = new ArrayList<>();
        long bytes = 0;
        for (PendingDispatch p = entry.pending.peek(); p != null && group.size() < AppendRequest.MAX_EVENTS;
             p = entry.pending.peek()) {
            // A few bytes of slack per item: its version (hence its size) is only known in the group.
            long next = bytes + p.itemBytes + 16;
            if (!group.isEmpty() && next > DynamoItemSize.MAX_TRANSACTION_BYTES) {
                break;
            }
            group.add(entry.pending.poll());
            bytes = next;
        }
        return group;
    }

    private void commit(AggregateRef aggregate, String pk, List<PendingDispatch> group) {
        List<NewEvent> events = new ArrayList<>(group.size());
        for (PendingDispatch p : group) {
            events.add(p.event);
        }
        try {
            // Only dispatches with generated ids are combined (see Dispatcher.dispatchEvent).
            List<DispatchResult> results = appends.append(aggregate, events, events.get(0).eventId(),
                    OptionalLong.empty(), pk, true);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).result.complete(results.get(i));
            }
        } catch (Throwable t) { // every waiting caller gets the outcome, whatever it is
            for (PendingDispatch p : group) {
                p.result.completeExceptionally(t);
            }
        }
    }

    /** Dispatches waiting for the aggregate's lock (for tests). */
    int pending(AggregateRef aggregate) {
        if (locks == null) {
            return 0;
        }
        AggregateLocks.Entry e = locks.peek(aggregate.pk());
        return e == null ? 0 : e.pending.size();
    }
}
