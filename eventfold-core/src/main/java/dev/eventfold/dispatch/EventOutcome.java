package dev.eventfold.dispatch;

import java.util.Objects;

/** What became of one event of a batch, by its position in the input list. */
public sealed interface EventOutcome permits EventOutcome.Landed, EventOutcome.Failed, EventOutcome.NotAttempted {

    /** Position of the event in the list given to the dispatcher. */
    int index();

    EventSpec event();

    /** The event is stored. */
    record Landed(int index, EventSpec event, DispatchResult result) implements EventOutcome {
        public Landed {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(result, "result");
        }
    }

    /** The event is not stored: {@code error} says why (a conflict after the last retry, bad input, ...). */
    record Failed(int index, EventSpec event, Throwable error) implements EventOutcome {
        public Failed {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(error, "error");
        }
    }

    /** Not sent, because an earlier event of an in-order batch failed. */
    record NotAttempted(int index, EventSpec event) implements EventOutcome {
        public NotAttempted {
            Objects.requireNonNull(event, "event");
        }
    }
}
