package dev.eventfold.listener;

import dev.eventfold.core.EventRecord;

/**
 * Handles one delivered event. Throwing fails the record: it is reported in the batch outcome
 * and, on a FIFO queue, the later records of its message group are not run.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(EventRecord event) throws Exception;
}
