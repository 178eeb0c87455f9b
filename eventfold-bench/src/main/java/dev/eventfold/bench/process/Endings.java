package dev.eventfold.bench.process;

import dev.eventfold.core.EventRecord;
import dev.eventfold.listener.EventHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The end of each transfer as a consumer of the process queue sees it: a handler of the terminal
 * events ({@code Transfer.Completed}, {@code .Compensated}, {@code .Failed}) on the same listener
 * as the process manager. The clock of a run stops at the first delivery of the last transfer's
 * terminal event; later deliveries of the same event (the queue delivers at least once) are
 * counted, not waited for.
 */
final class Endings implements EventHandler {
    static final List<String> TERMINAL_TYPES = List.of("Transfer.Completed", "Transfer.Compensated", "Transfer.Failed");

    private final Set<String> expected;
    private final ConcurrentHashMap<String, String> firstSeen = new ConcurrentHashMap<>();
    private final LongAdder deliveries = new LongAdder();
    private final CountDownLatch all;
    private final Runnable onEnded;
    /** {@link System#nanoTime()} of each transfer's end, in the order they ended. */
    private final AtomicLongArray endedAt;
    private final AtomicInteger endings = new AtomicInteger();

    /** @param onEnded runs once per transfer, at its first terminal event */
    Endings(Set<String> transferIds, Runnable onEnded) {
        this.expected = Set.copyOf(transferIds);
        this.all = new CountDownLatch(expected.size());
        this.onEnded = onEnded;
        this.endedAt = new AtomicLongArray(expected.size());
    }

    @Override
    public void handle(EventRecord event) {
        if (!expected.contains(event.aggregateId())) {
            return;
        }
        deliveries.increment();
        if (firstSeen.putIfAbsent(event.aggregateId(), event.eventType()) == null) {
            endedAt.set(endings.getAndIncrement(), System.nanoTime());
            all.countDown();
            onEnded.run();
        }
    }

    /** True when every transfer ended within {@code timeout}. */
    boolean await(Duration timeout) throws InterruptedException {
        return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int ended() {
        return firstSeen.size();
    }

    /** Deliveries of a terminal event after its first. */
    long redeliveries() {
        return deliveries.sum() - firstSeen.size();
    }

    /** When each transfer ended, in nanoseconds after {@code startNanos}, in the order they ended; call once all did. */
    List<Long> endedAfter(long startNanos) {
        List<Long> out = new ArrayList<>(endedAt.length());
        for (int i = 0; i < endedAt.length(); i++) {
            out.add(endedAt.get(i) - startNanos);
        }
        return out;
    }
}
