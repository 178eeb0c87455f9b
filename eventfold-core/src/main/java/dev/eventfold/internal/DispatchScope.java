package dev.eventfold.internal;

import dev.eventfold.core.AggregateRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the dispatches made while an incoming event is handled derive their ids from (ADR 0007): set
 * by the listener around a handler, by the reactor around a reaction, by the process manager around
 * a step. A dispatch without an event id or key of its own, made on the thread while a scope is
 * current, gets the id {@code DerivedIds.eventId(target, seed + "\n" + eventType, n)}, where
 * {@code n} counts the earlier dispatches of that event type to that aggregate in the scope, and the
 * idempotency key {@code rx-} + the id's 26 characters. The same handling of the same incoming event
 * makes the same appends, which the store recognises when the event is delivered again.
 *
 * <p>Counting per target and event type (not one counter for all) keeps the ids of dispatches to
 * different aggregates independent of the order they are made in, so the counter is advanced on the
 * calling thread (a parallel batch gets its ids before it fans out) and a handler that reorders
 * unrelated dispatches keeps its ids.
 */
public final class DispatchScope {
    private static final ThreadLocal<DispatchScope> CURRENT = new ThreadLocal<>();
    /** The idempotency key's prefix: derived keys are the caller's in the sense of ADR 0001. */
    public static final String KEY_PREFIX = "rx-";

    private final String seed;
    private final Map<String, Integer> counts = new HashMap<>();
    private final AtomicInteger appended = new AtomicInteger();
    private final AtomicInteger repeated = new AtomicInteger();
    private final List<Object> results = new ArrayList<>();

    private DispatchScope(String seed) {
        this.seed = seed;
    }

    /** A scope whose ids follow from {@code seed} (e.g. {@code "reaction\n" + name + "\n" + incomingEventId}). */
    public static DispatchScope of(String seed) {
        return new DispatchScope(Checks.notNull(seed, "seed"));
    }

    /** The calling thread's scope, or null. */
    public static DispatchScope current() {
        return CURRENT.get();
    }

    /** Runs {@code body} with this scope current on the calling thread, then restores what was there. */
    public <T> T call(Callable<T> body) throws Exception {
        DispatchScope previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Runs {@code body} with no scope current: its dispatches get fresh ids. */
    public static <T> T outside(Callable<T> body) throws Exception {
        DispatchScope previous = CURRENT.get();
        CURRENT.remove();
        try {
            return body.call();
        } finally {
            if (previous != null) {
                CURRENT.set(previous);
            }
        }
    }

    /** The id of the next event of {@code eventType} to {@code target} in this scope. */
    public synchronized String nextEventId(AggregateRef target, String eventType) {
        String counter = target.pk() + "\n" + eventType;
        int n = counts.merge(counter, 1, Integer::sum) - 1;
        return eventId(seed, target, eventType, n);
    }

    /** The {@code n}-th (0 first) id of {@code eventType} to {@code target} under {@code seed}. */
    public static String eventId(String seed, AggregateRef target, String eventType, int n) {
        return DerivedIds.eventId(target, seed + "\n" + eventType, n);
    }

    /** The idempotency key of a derived event id. */
    public static String keyOf(String derivedEventId) {
        return KEY_PREFIX + derivedEventId.substring(derivedEventId.indexOf('-') + 1);
    }

    /** A dispatch made in the scope landed: appended now, or recognised as appended before. */
    public void landed(Object result, boolean alreadyAppended) {
        (alreadyAppended ? repeated : appended).incrementAndGet();
        synchronized (results) {
            results.add(result);
        }
    }

    /** The results of the dispatches that landed in this scope, in the order they landed. */
    public <T> List<T> results(Class<T> type) {
        synchronized (results) {
            return results.stream().map(type::cast).toList();
        }
    }

    /** Dispatches of this scope that appended. */
    public int appended() {
        return appended.get();
    }

    /** Dispatches of this scope that found their append already made. */
    public int repeated() {
        return repeated.get();
    }
}
