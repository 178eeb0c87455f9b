package dev.eventfold.integrity;

import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The items an {@link InMemoryEventStore} would hold as a DynamoDB table (event items and head
 * items, as plain JSON), so that the integrity check runs on the embedded runtime too.
 *
 * <pre>{@code
 * IntegrityReport r = IntegrityChecker.check("in-memory", InMemoryItems.of(store));
 * }</pre>
 */
public final class InMemoryItems {
    private InMemoryItems() {
    }

    public static Stream<ObjectNode> of(InMemoryEventStore store) {
        List<ObjectNode> items = new ArrayList<>();
        Set<AggregateRef> aggregates = new LinkedHashSet<>();
        store.allEvents().forEach(e -> {
            items.add(EventItems.toItemJson(e));
            aggregates.add(e.aggregate());
        });
        for (AggregateRef ref : aggregates) {
            store.getHead(ref).ifPresent(h -> items.add(EventItems.toHeadJson(h)));
        }
        return items.stream();
    }

    /** Event items of some records, for tests that plant defects. */
    public static Stream<ObjectNode> eventItems(List<EventRecord> records) {
        return records.stream().map(EventItems::toItemJson);
    }
}
