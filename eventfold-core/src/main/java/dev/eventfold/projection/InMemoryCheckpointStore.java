package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Keys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A thread-safe {@link CheckpointStore} in memory. Its transactional form takes
 * {@link Runnable} writes (updates of an in-memory read model) and runs them under the same
 * lock as the checkpoint check, only when the check passes: the in-memory counterpart of a
 * DynamoDB transaction, for tests and the embedded runtime.
 *
 * <pre>{@code
 * InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
 * Projector p = Projector.builder("balances", store).transactional(checkpoints, e -> List.of(() -> apply(e))).build();
 * }</pre>
 */
public final class InMemoryCheckpointStore implements TransactionalCheckpointStore<Runnable> {
    private final Map<String, Long> versions = new HashMap<>();

    @Override
    public synchronized long lastApplied(String projection, AggregateRef aggregate) {
        return versions.getOrDefault(key(projection, aggregate), 0L);
    }

    @Override
    public synchronized void advance(String projection, AggregateRef aggregate, long expectedVersion, long newVersion) {
        advanceWith(projection, aggregate, expectedVersion, newVersion, List.of());
    }

    /** Runs {@code writes} in order and advances, once the checkpoint is found at {@code expectedVersion}. */
    @Override
    public synchronized void advanceWith(String projection, AggregateRef aggregate, long expectedVersion,
                                         long newVersion, List<Runnable> writes) {
        String key = key(projection, aggregate);
        Keys.requireVersion("newVersion", newVersion);
        if (newVersion <= expectedVersion) {
            throw new InvalidInputException("newVersion", newVersion + " is not after " + expectedVersion);
        }
        if (versions.getOrDefault(key, 0L) != expectedVersion) {
            throw new CheckpointConflictException(projection, aggregate, expectedVersion);
        }
        for (Runnable w : writes) {
            w.run();
        }
        versions.put(key, newVersion);
    }

    /** Forgets a projection's checkpoints, so that it is rebuilt from the first event. */
    public synchronized void reset(String projection) {
        versions.keySet().removeIf(k -> k.startsWith(projection + "\n"));
    }

    private static String key(String projection, AggregateRef aggregate) {
        return Keys.requireNonBlank("projection", projection) + "\n" + aggregate.pk();
    }
}
