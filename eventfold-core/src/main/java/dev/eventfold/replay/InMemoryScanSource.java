package dev.eventfold.replay;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Page;
import dev.eventfold.integrity.InMemoryItems;
import dev.eventfold.store.InMemoryEventStore;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ScanSource} over an {@link InMemoryEventStore}'s items (events and heads), split into
 * segments by partition key as DynamoDB does, so that replays by type and time and whole-table
 * integrity checks run on the embedded runtime.
 *
 * <pre>{@code
 * Replayer.builder(store).scanSource(new InMemoryScanSource(store)).sink(sink).build();
 * }</pre>
 */
public final class InMemoryScanSource implements ScanSource {
    private final InMemoryEventStore store;
    private final int pageSize;

    public InMemoryScanSource(InMemoryEventStore store) {
        this(store, 100);
    }

    public InMemoryScanSource(InMemoryEventStore store, int pageSize) {
        this.store = Objects.requireNonNull(store, "store");
        if (pageSize < 1) {
            throw new InvalidInputException("pageSize", "must be at least 1, was " + pageSize);
        }
        this.pageSize = pageSize;
    }

    @Override
    public Page<ObjectNode> scan(int segment, int totalSegments, String cursor, ScanFilter filter) {
        if (totalSegments < 1 || segment < 0 || segment >= totalSegments) {
            throw new InvalidInputException("segment", segment + " is outside 0.." + (totalSegments - 1));
        }
        List<ObjectNode> items = InMemoryItems.of(store)
                .filter(i -> Math.floorMod(i.path(Attributes.PK).asText().hashCode(), totalSegments) == segment)
                .filter(i -> !filter.eventsOnly() || EventItems.isEvent(i))
                .filter(i -> filter.eventTypes().isEmpty() || hasType(i, filter))
                .sorted(Comparator.comparing((ObjectNode i) -> i.path(Attributes.PK).asText())
                        .thenComparing(i -> i.path(Attributes.SK).asText()))
                .toList();
        int from;
        try {
            from = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("cursor", "not a cursor of this source");
        }
        if (from < 0) {
            throw new InvalidInputException("cursor", "not a cursor of this source");
        }
        int to = Math.min(items.size(), from + pageSize);
        return new Page<>(items.subList(Math.min(from, to), to), to < items.size() ? Integer.toString(to) : null);
    }

    @Override
    public String describe() {
        return "in-memory store";
    }

    /** Heads have no event type: a type filter keeps only events of those types. */
    private static boolean hasType(ObjectNode item, ScanFilter filter) {
        String type = EventItems.textOrNull(item, Attributes.EVENT_TYPE);
        return type != null && filter.eventTypes().contains(type);
    }
}
