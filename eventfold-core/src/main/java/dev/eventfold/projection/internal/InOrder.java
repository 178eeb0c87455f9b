package dev.eventfold.projection.internal;

import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.projection.CheckpointConflictException;
import dev.eventfold.projection.CheckpointStore;
import dev.eventfold.projection.ProjectionGapException;
import dev.eventfold.projection.ProjectionResult;
import dev.eventfold.projection.Projector;
import dev.eventfold.store.EventStore;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One aggregate's events in version order, each once, for something that is not a read model: a
 * reaction or a process manager. It is the {@link Projector} with an idempotent handler (handler
 * first, checkpoint after: a crash between the two repeats a handling whose derived ids make it
 * harmless): skip what the checkpoint passed, handle the missing events read from the store first,
 * then the delivered one, and move the checkpoint after each. Events the caller does not handle
 * (other types of the aggregate, read to fill a gap) move the checkpoint without being handled.
 *
 * @param <T> the outcome of handling one event
 */
public final class InOrder<T> {
    private final String checkpoint;
    private final EventStore store;
    private final CheckpointStore checkpoints;
    private final Predicate<EventRecord> handles;
    private final Function<EventRecord, T> handle;
    private final Predicate<T> failed;

    /**
     * @param checkpoint the checkpoint's name, e.g. {@code reaction:reserve-stock}
     * @param handles    which events of the aggregate are handled (the others only move the checkpoint)
     * @param failed     an outcome after which the run stops and the checkpoint stays before the event
     */
    public InOrder(String checkpoint, EventStore store, CheckpointStore checkpoints, Predicate<EventRecord> handles,
                   Function<EventRecord, T> handle, Predicate<T> failed) {
        this.checkpoint = checkpoint;
        this.store = store;
        this.checkpoints = checkpoints;
        this.handles = handles;
        this.handle = handle;
        this.failed = failed;
    }

    /** What became of a delivered event. */
    public sealed interface Result<T> permits Passed, Handled, Stopped, NotInOrder, StoreFailed {
    }

    /** The checkpoint was at or past it: handled by an earlier delivery. */
    public record Passed<T>(long checkpoint) implements Result<T> {
    }

    /** Handled now (after any missing events before it): its outcome. */
    public record Handled<T>(T outcome) implements Result<T> {
    }

    /** The handling of {@code at} (the delivered event or an earlier one) failed with {@code outcome}. */
    public record Stopped<T>(EventRecord at, T outcome) implements Result<T> {
    }

    /** An earlier version is not in the store yet, or other workers kept moving the checkpoint. */
    public record NotInOrder<T>(String detail) implements Result<T> {
    }

    /** Reading the checkpoint or the missing events failed. */
    public record StoreFailed<T>(EventStoreException error) implements Result<T> {
    }

    public Result<T> run(EventRecord delivered) {
        Object[] mine = new Object[1];
        Projector projector = Projector.builder(checkpoint, store)
                .handler(checkpoints, event -> {
                    if (!handles.test(event)) {
                        return;
                    }
                    T outcome = handle.apply(event);
                    if (failed.test(outcome)) {
                        throw new StoppedAt(event, outcome);
                    }
                    if (event.eventId().equals(delivered.eventId())) {
                        mine[0] = outcome;
                    }
                })
                .build();
        try {
            ProjectionResult r = projector.handle(delivered);
            @SuppressWarnings("unchecked")
            T outcome = (T) mine[0];
            return r.outcome() == ProjectionResult.Outcome.ALREADY_APPLIED || outcome == null
                    ? new Passed<>(r.checkpoint()) : new Handled<>(outcome);
        } catch (StoppedAt s) {
            @SuppressWarnings("unchecked")
            T outcome = (T) s.outcome;
            return new Stopped<>(s.at, outcome);
        } catch (ProjectionGapException | CheckpointConflictException e) {
            return new NotInOrder<>(e.getMessage());
        } catch (EventStoreException e) {
            return new StoreFailed<>(e);
        }
    }

    /** Carries a failed outcome out of the projector, which then leaves the checkpoint before the event. */
    private static final class StoppedAt extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient EventRecord at;
        private final transient Object outcome;

        StoppedAt(EventRecord at, Object outcome) {
            super(null, null, false, false);
            this.at = at;
            this.outcome = outcome;
        }
    }
}
