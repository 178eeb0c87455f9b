package dev.eventfold.dispatch;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of every event of a batch, in input order: a value, so that a partial failure
 * says exactly which events landed and which did not.
 *
 * <pre>{@code
 * BatchDispatchOutcome outcome = dispatcher.dispatchAll(events, BatchMode.PARALLEL);
 * for (EventOutcome.Failed f : outcome.failed()) {
 *     log.warn("event #{} not dispatched: {}", f.index(), f.error().getMessage());
 * }
 * }</pre>
 */
public record BatchDispatchOutcome(BatchMode mode, List<EventOutcome> outcomes) {
    public BatchDispatchOutcome {
        Objects.requireNonNull(mode, "mode");
        outcomes = List.copyOf(outcomes);
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).index() != i) {
                throw new IllegalArgumentException("outcome " + i + " has index " + outcomes.get(i).index());
            }
        }
    }

    public boolean allLanded() {
        return outcomes.stream().allMatch(o -> o instanceof EventOutcome.Landed);
    }

    public List<EventOutcome.Landed> landed() {
        return outcomes.stream().filter(EventOutcome.Landed.class::isInstance).map(EventOutcome.Landed.class::cast).toList();
    }

    public List<EventOutcome.Failed> failed() {
        return outcomes.stream().filter(EventOutcome.Failed.class::isInstance).map(EventOutcome.Failed.class::cast).toList();
    }

    public List<EventOutcome.NotAttempted> notAttempted() {
        return outcomes.stream().filter(EventOutcome.NotAttempted.class::isInstance)
                .map(EventOutcome.NotAttempted.class::cast).toList();
    }

    /** The results in input order when every event landed; otherwise a {@link BatchDispatchException} carrying this. */
    public List<DispatchResult> resultsOrThrow() {
        if (!allLanded()) {
            throw new BatchDispatchException(this);
        }
        return outcomes.stream().map(o -> ((EventOutcome.Landed) o).result()).toList();
    }
}
