package dev.eventfold.fanout;

import java.util.List;

/**
 * Puts one request of at most 10 entries on an event bus ({@code PutEvents}). Returns the entries
 * that were not accepted (those counted in {@code FailedEntryCount}). Throws when the whole
 * request failed.
 */
@FunctionalInterface
public interface BusPublisher {
    List<EntryFailure> put(String busName, List<BusEntry> entries);
}
