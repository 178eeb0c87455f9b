package dev.eventfold.dispatch;

/** How {@link Dispatcher#dispatchEvents(java.util.List, BatchMode)} sends several events. */
public enum BatchMode {
    /**
     * Concurrently, at most the dispatcher's batch concurrency at a time; every event is tried,
     * each on its own, and the outcome tells which landed. The default.
     */
    PARALLEL,
    /** One after another in list order; the first failure stops the rest (they are not attempted). */
    IN_ORDER,
    /**
     * Every event of one aggregate in one append (one DynamoDB transaction): all land, in list
     * order with consecutive versions, or none does. At most {@link dev.eventfold.store.AppendRequest#MAX_EVENTS} (98) events.
     */
    ATOMIC
}
