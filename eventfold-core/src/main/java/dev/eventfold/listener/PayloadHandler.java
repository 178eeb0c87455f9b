package dev.eventfold.listener;

import dev.eventfold.core.EventRecord;

/**
 * Handles one delivered event whose payload is bound to a type of yours (a record, a POJO) with
 * the library's mapper; a payload that cannot be bound fails the record.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface PayloadHandler<T> {
    void handle(T payload, EventRecord event) throws Exception;
}
