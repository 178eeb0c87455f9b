package dev.eventfold.listener;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one message of a batch.
 *
 * @param messageId the queue's message id
 * @param status    the outcome
 * @param eventType the event's type when the body could be read, else null
 * @param failure   why it failed; present exactly when {@code status} is {@link Status#FAILED}
 */
public record RecordResult(String messageId, Status status, String eventType, Optional<Failure> failure) {

    /** The outcome of one record. */
    public enum Status {
        /** A handler ran and returned. */
        HANDLED,
        /**
         * Its reactions appended their events, or its process step was recorded or resumed (see
         * {@code EventListener.Builder#react} and {@code #process}).
         */
        REACTED,
        /**
         * Delivered again: its reactions' events, or its process step and commands, had been
         * written by an earlier delivery; nothing written.
         */
        ALREADY_REACTED,
        /** Its reactions returned nothing to dispatch for it, or it belongs to no process step. */
        NO_REACTION,
        /** No handler for its type: acknowledged, as the reference does. */
        UNROUTED,
        /** Older than its staleness policy allows with {@code skip}: acknowledged without running. */
        SKIPPED_STALE,
        /** Reported back to the queue; it will be delivered again (or reach the DLQ). */
        FAILED
    }

    /** Why a record failed. */
    public enum Reason {
        /** The body is not JSON or not an event (eventType missing, ...). */
        UNREADABLE_BODY,
        /** The payload could not be bound to the handler's payload type. */
        UNREADABLE_PAYLOAD,
        /** The listener's record transform ({@code upcast}) threw. */
        UPCAST_FAILED,
        /** The handler threw (an exception or an error other than OutOfMemoryError). */
        HANDLER_FAILED,
        /** A reaction failed (its function threw, returned an invalid event, or a dispatch failed). */
        REACTION_FAILED,
        /** A process manager failed on it (see {@code ProcessOutcome.Reason}); deliver it again. */
        PROCESS_FAILED,
        /** An earlier record of the same FIFO message group failed in this batch; not run. */
        EARLIER_IN_GROUP_FAILED
    }

    /**
     * @param reason the kind of failure
     * @param detail a short description, never the payload
     */
    public record Failure(Reason reason, String detail) {
        public Failure {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }

    public RecordResult {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failure, "failure");
        if ((status == Status.FAILED) != failure.isPresent()) {
            throw new IllegalArgumentException("a failure is present exactly when the status is FAILED");
        }
    }

    static RecordResult ok(String messageId, Status status, String eventType) {
        return new RecordResult(messageId, status, eventType, Optional.empty());
    }

    static RecordResult failed(String messageId, String eventType, Reason reason, String detail) {
        return new RecordResult(messageId, Status.FAILED, eventType, Optional.of(new Failure(reason, detail)));
    }

    public boolean isFailure() {
        return status == Status.FAILED;
    }
}
