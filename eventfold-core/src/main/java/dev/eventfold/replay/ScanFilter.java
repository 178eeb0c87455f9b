package dev.eventfold.replay;

import java.util.Set;

/**
 * What a {@link ScanSource} may filter on the server side. Only an optimisation: callers filter
 * what they receive again.
 *
 * @param eventsOnly only items with {@code itemType = event}
 * @param eventTypes only events of these types; empty for all
 */
public record ScanFilter(boolean eventsOnly, Set<String> eventTypes) {
    public static final ScanFilter ALL_ITEMS = new ScanFilter(false, Set.of());
    public static final ScanFilter ALL_EVENTS = new ScanFilter(true, Set.of());

    public ScanFilter {
        eventTypes = eventTypes == null ? Set.of() : Set.copyOf(eventTypes);
    }
}
