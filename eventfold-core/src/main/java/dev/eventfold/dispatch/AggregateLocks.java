package dev.eventfold.dispatch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fair lock per aggregate with a dispatch in progress, removed when its last user leaves:
 * memory follows the aggregates in flight, not every aggregate ever seen. Serialising the
 * appends of one process to one aggregate makes each cost one request instead of a conflict
 * storm through the database; other processes are still handled by optimistic concurrency.
 */
final class AggregateLocks {
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** Blocks until this thread holds the aggregate's lock; pair with {@link #release}. */
    Entry acquire(String pk) {
        Entry e = join(pk);
        e.lock.lock();
        return e;
    }

    /** Registers a user of the aggregate's entry without locking; pair with {@link #release}. */
    Entry join(String pk) {
        // compute() runs atomically per key, so the user count needs no lock of its own.
        return entries.compute(pk, (k, v) -> {
            Entry entry = v == null ? new Entry() : v;
            entry.users++;
            return entry;
        });
    }

    void release(String pk, Entry e) {
        e.lock.unlock();
        entries.compute(pk, (k, v) -> {
            if (v == null) {
                return null;
            }
            v.users--;
            return v.users == 0 ? null : v;
        });
    }

    Entry peek(String pk) {
        return entries.get(pk);
    }

    /** Aggregates with a dispatch holding or waiting for their lock. */
    int inFlight() {
        return entries.size();
    }

    static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        /** Dispatches waiting for the lock; its holder may append them together with its own. */
        final ConcurrentLinkedQueue<PendingDispatch> pending = new ConcurrentLinkedQueue<>();
        int users; // changed only inside ConcurrentHashMap.compute for this key
    }
}
