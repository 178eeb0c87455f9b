package dev.eventfold.aggregate;

import dev.eventfold.core.AggregateRef;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe {@link SnapshotStore} in memory, for tests and the embedded runtime.
 *
 * <pre>{@code
 * SnapshotStore snapshots = new InMemorySnapshotStore();
 * }</pre>
 */
public final class InMemorySnapshotStore implements SnapshotStore {
    private final Map<String, NavigableMap<Long, Snapshot>> byAggregate = new ConcurrentHashMap<>();
    private final AtomicLong saves = new AtomicLong();

    @Override
    public Optional<Snapshot> latest(AggregateRef aggregate) {
        NavigableMap<Long, Snapshot> m = byAggregate.get(aggregate.pk());
        if (m == null) {
            return Optional.empty();
        }
        Map.Entry<Long, Snapshot> last = m.lastEntry();
        return last == null ? Optional.empty() : Optional.of(last.getValue());
    }

    @Override
    public void save(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        byAggregate.computeIfAbsent(snapshot.aggregate().pk(), pk -> new ConcurrentSkipListMap<>())
                .put(snapshot.version(), snapshot);
        saves.incrementAndGet();
    }

    /** How many snapshots were saved since this store was made. */
    public long saveCount() {
        return saves.get();
    }

    /** Forgets every snapshot of an aggregate (a test can then compare a full fold). */
    public void clear(AggregateRef aggregate) {
        byAggregate.remove(aggregate.pk());
    }
}
