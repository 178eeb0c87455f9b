package dev.eventfold.reaction;

import dev.eventfold.dispatch.DispatchResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one reaction did with one incoming event.
 *
 * @param reaction        the reaction's name
 * @param incomingEventId the event it reacted to
 * @param dispatched      the outgoing events that are stored (by this delivery or an earlier one),
 *                        in the order the reaction returned them
 * @param failure         present exactly when {@code status} is {@link Status#FAILED}
 */
public record ReactionOutcome(String reaction, String incomingEventId, Status status, List<DispatchResult> dispatched,
                              Optional<Failure> failure) {

    public enum Status {
        /** At least one outgoing event was appended by this delivery. */
        REACTED,
        /** Every outgoing event had been appended by an earlier delivery: nothing written. */
        ALREADY_REACTED,
        /** The reaction returned no events for this one. */
        SKIPPED,
        /** See {@link Failure}: the incoming event should be delivered again (or reach the DLQ). */
        FAILED
    }

    public enum Reason {
        /**
         * The reaction threw. Nothing of a returned list was dispatched; what a dispatching reaction
         * dispatched before it threw is stored and recognised on redelivery.
         */
        REACTION_FAILED,
        /** An outgoing event is invalid (the store would refuse it, or it carries its own id or key). Nothing dispatched. */
        INVALID_OUTPUT,
        /**
         * An outgoing dispatch failed (conflicts beyond the retry policy, a store failure). The
         * events before it are stored; a redelivery finds them already appended and goes on.
         */
        DISPATCH_FAILED,
        /**
         * A reaction in order ({@link Reactor.Builder#inOrder}) could not run: an earlier event of the
         * aggregate is not in the store yet, or other workers kept moving its checkpoint. Deliver it again.
         */
        NOT_IN_ORDER
    }

    /**
     * @param detail a short description (exception class and message of the store or the
     *               validation), never a payload
     */
    public record Failure(Reason reason, String detail) {
        public Failure {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }

    public ReactionOutcome {
        Objects.requireNonNull(reaction, "reaction");
        Objects.requireNonNull(incomingEventId, "incomingEventId");
        Objects.requireNonNull(status, "status");
        dispatched = List.copyOf(dispatched);
        Objects.requireNonNull(failure, "failure");
        if ((status == Status.FAILED) != failure.isPresent()) {
            throw new IllegalArgumentException("a failure is present exactly when the status is FAILED");
        }
    }

    public boolean isFailure() {
        return status == Status.FAILED;
    }
}
