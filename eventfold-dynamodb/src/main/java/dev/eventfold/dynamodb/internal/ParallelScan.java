package dev.eventfold.dynamodb.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Page;
import dev.eventfold.internal.concurrent.LazyExecutor;
import dev.eventfold.replay.ScanFilter;
import dev.eventfold.replay.ScanSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Reads every item of a {@link ScanSource}, segments in parallel on threads of its own, and hands
 * each item to a consumer (which must be thread-safe). Stops at the first failure and rethrows it.
 *
 * <pre>{@code
 * long n = ParallelScan.forEach(scanSource, 4, ScanFilter.ALL_ITEMS, checker::accept);
 * }</pre>
 */
public final class ParallelScan {
    private ParallelScan() {
    }

    /** @return how many items were handed over */
    public static long forEach(ScanSource source, int totalSegments, ScanFilter filter, Consumer<ObjectNode> consumer) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(consumer, "consumer");
        if (totalSegments < 1 || totalSegments > 1000) {
            throw new InvalidInputException("totalSegments", "must be in 1..1000, was " + totalSegments);
        }
        if (totalSegments == 1) {
            return segment(source, 0, 1, filter, consumer);
        }
        LazyExecutor threads = LazyExecutor.fixed("eventfold-scan", Math.min(totalSegments, 16));
        try {
            ExecutorService pool = threads.get();
            List<Future<Long>> futures = new ArrayList<>();
            for (int s = 0; s < totalSegments; s++) {
                int seg = s;
                futures.add(pool.submit(() -> segment(source, seg, totalSegments, filter, consumer)));
            }
            long total = 0;
            for (Future<Long> f : futures) {
                try {
                    total += f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("scan interrupted", e);
                }
            }
            return total;
        } finally {
            threads.closeNow(); // the first failure stops the other segments
        }
    }

    private static long segment(ScanSource source, int segment, int total, ScanFilter filter, Consumer<ObjectNode> consumer) {
        long n = 0;
        String cursor = null;
        do {
            Page<ObjectNode> page = source.scan(segment, total, cursor, filter);
            for (ObjectNode item : page.data()) {
                consumer.accept(item);
                n++;
            }
            cursor = page.cursor();
        } while (cursor != null && !Thread.currentThread().isInterrupted());
        return n;
    }
}
