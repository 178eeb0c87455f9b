package dev.eventfold.bench.process;

import dev.eventfold.bench.ItemSizes;
import dev.eventfold.bench.TransactWrites;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The requests of one measured kind of call, summed over its samples (one sample: one reaction,
 * one process input, one transfer), with the transactions they executed. Not thread-safe: the
 * cost harnesses measure one call at a time.
 */
final class Tally {
    private final String label;
    private final Map<String, Long> requests = new TreeMap<>();
    private final List<TransactWrites.Transaction> transactions = new ArrayList<>();
    private int samples;
    private long minRequests = Long.MAX_VALUE;
    private long maxRequests;

    Tally(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    void add(Map<String, Long> sampleRequests, List<TransactWrites.Transaction> sampleTransactions) {
        sampleRequests.forEach((op, n) -> requests.merge(op, n, Long::sum));
        transactions.addAll(sampleTransactions);
        long total = sampleRequests.values().stream().mapToLong(Long::longValue).sum();
        minRequests = Math.min(minRequests, total);
        maxRequests = Math.max(maxRequests, total);
        samples++;
    }

    /** What the samples cost, write units from the items as {@code table} holds them now. */
    Cost cost(ItemSizes table) {
        long landed = 0;
        long cancelled = 0;
        long actions = 0;
        long units = 0;
        for (TransactWrites.Transaction t : transactions) {
            actions += t.actions().size();
            switch (t.outcome()) {
                case LANDED -> {
                    landed++;
                    units += t.writeUnits(table);
                }
                case CANCELLED -> cancelled++;
                case FAILED -> throw new IllegalStateException(label + ": a TransactWriteItems failed");
            }
        }
        return new Cost(label, samples, Map.copyOf(requests), samples == 0 ? 0 : minRequests, maxRequests, landed,
                cancelled, actions, units);
    }

    /**
     * @param requests  by operation, summed over the samples
     * @param actions   over every TransactWriteItems, landed or cancelled
     * @param writeUnits of the landed TransactWriteItems
     */
    record Cost(String label, int samples, Map<String, Long> requests, long minRequests, long maxRequests,
                long landed, long cancelled, long actions, long writeUnits) {
        long totalRequests() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }

        double perSample(long n) {
            return samples == 0 ? 0 : (double) n / samples;
        }

        double perSample(String operation) {
            return perSample(requests.getOrDefault(operation, 0L));
        }

        double actionsPerTransaction() {
            long n = landed + cancelled;
            return n == 0 ? 0 : (double) actions / n;
        }
    }
}
