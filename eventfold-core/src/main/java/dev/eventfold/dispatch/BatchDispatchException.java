package dev.eventfold.dispatch;

import dev.eventfold.core.EventfoldException;

/**
 * Some events of a batch were not dispatched. {@link #outcome()} tells, event by event, which
 * landed, which failed and why, and which were not attempted. The message names events by
 * index, type and id, never by payload.
 */
public final class BatchDispatchException extends EventfoldException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_LISTED = 5;

    private final transient BatchDispatchOutcome outcome;

    public BatchDispatchException(BatchDispatchOutcome outcome) {
        super(describe(outcome), outcome.failed().isEmpty() ? null : outcome.failed().get(0).error());
        this.outcome = outcome;
    }

    public BatchDispatchOutcome outcome() {
        return outcome;
    }

    private static String describe(BatchDispatchOutcome outcome) {
        var failed = outcome.failed();
        StringBuilder sb = new StringBuilder()
                .append(outcome.mode().name().toLowerCase(java.util.Locale.ROOT)).append(" dispatch: ")
                .append(outcome.landed().size()).append(" of ").append(outcome.outcomes().size()).append(" events landed, ")
                .append(failed.size()).append(" failed");
        if (!outcome.notAttempted().isEmpty()) {
            sb.append(", ").append(outcome.notAttempted().size()).append(" not attempted");
        }
        for (int i = 0; i < Math.min(MAX_LISTED, failed.size()); i++) {
            EventOutcome.Failed f = failed.get(i);
            sb.append(i == 0 ? ": " : "; ").append('#').append(f.index()).append(' ').append(f.event().eventType())
                    .append(" on ").append(f.event().aggregate()).append(" (")
                    .append(f.error().getClass().getSimpleName()).append(": ").append(f.error().getMessage()).append(')');
        }
        if (failed.size() > MAX_LISTED) {
            sb.append("; ...");
        }
        return sb.toString();
    }
}
