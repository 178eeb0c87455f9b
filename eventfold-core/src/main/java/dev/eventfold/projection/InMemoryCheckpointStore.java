package dev.eventfold.projection;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A thread-safe {@link CheckpointStore} in memory. Its transactional form takes
 * {@link Runnable} writes (updates of an in-memory read model) and runs them under the same
 * lock as the checkpoint check, only when the check passes: the in-memory counterpart of a
 * DynamoDB transaction, for tests and the embedded runtime.
 *
 * <pre>{@code
 * InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
 * Projector p = Projector.builder("balances", store)
 *     .transactional(checkpoints, e -> List.of(InMemoryCheckpointStore.write(
 *         () -> balances.merge(e.aggregateId(), amount(e), Long::sum),      // apply
 *         () -> balances.merge(e.aggregateId(), -amount(e), Long::sum))))   // undo
 *     .build();
 * }</pre>
 *
 * <h2>All or nothing</h2>
 * When a write throws, the checkpoint does not move and the writes that already ran are undone,
 * last first, so the read model is as before the call: give each write its undo with
 * {@link #write(Runnable, Runnable)}. A plain {@link Runnable} cannot be undone: a call whose
 * later write throws after a plain one ran fails with {@link PartialWriteException} (the read
 * model then holds that write's effect; the checkpoint still did not move). A call whose writes
 * are all plain is all or nothing only if just its last write can throw.
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

    /**
     * Runs {@code writes} in order and advances, once the checkpoint is found at
     * {@code expectedVersion}; when a write throws, undoes the ones that ran (see the class doc)
     * and rethrows, leaving the checkpoint where it was.
     *
     * @throws PartialWriteException a write threw after a write without an undo had run
     */
    @Override
    public synchronized void advanceWith(String projection, AggregateRef aggregate, long expectedVersion,
                                         long newVersion, List<Runnable> writes) {
        String key = key(projection, aggregate);
        Keys.requireVersion("newVersion", newVersion);
        if (expectedVersion < 0 || newVersion <= expectedVersion) {
            throw new InvalidInputException("newVersion", newVersion + " is not after " + expectedVersion);
        }
        long actual = versions.getOrDefault(key, 0L);
        if (actual != expectedVersion) {
            throw new CheckpointConflictException(projection, aggregate, expectedVersion, OptionalLong.of(actual));
        }
        Deque<Runnable> done = new ArrayDeque<>(writes.size());
        for (Runnable w : writes) {
            try {
                w.run();
            } catch (RuntimeException e) {
                undo(projection, aggregate, done, e);
                throw e;
            }
            done.push(w);
        }
        versions.put(key, newVersion);
    }

    /** A write that can be undone: {@code apply} runs in the transaction, {@code undo} reverts it if a later write fails. */
    public static Runnable write(Runnable apply, Runnable undo) {
        return new UndoableWrite(Objects.requireNonNull(apply, "apply"), Objects.requireNonNull(undo, "undo"));
    }

    private static void undo(String projection, AggregateRef aggregate, Deque<Runnable> done, RuntimeException cause) {
        int kept = 0;
        for (Runnable w : done) {   // last applied first
            if (w instanceof UndoableWrite u) {
                try {
                    u.undo.run();
                } catch (RuntimeException undoFailed) {
                    cause.addSuppressed(undoFailed);
                    kept++;
                }
            } else {
                kept++;
            }
        }
        if (kept > 0) {
            throw new PartialWriteException(projection, aggregate, kept, cause);
        }
    }

    private record UndoableWrite(Runnable apply, Runnable undo) implements Runnable {
        @Override
        public void run() {
            apply.run();
        }
    }

    /** Forgets a projection's checkpoints, so that it is rebuilt from the first event. */
    public synchronized void reset(String projection) {
        versions.keySet().removeIf(k -> k.startsWith(projection + "\n"));
    }

    private static String key(String projection, AggregateRef aggregate) {
        return Keys.requireNonBlank("projection", projection) + "\n" + aggregate.pk();
    }
}
