package dev.eventfold.integrity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;
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
            items.add(EventJson.toItemJson(e));
            aggregates.add(e.aggregate());
        });
        for (AggregateRef ref : aggregates) {
            store.getHead(ref).ifPresent(h -> items.add(headJson(h)));
        }
        return items.stream();
    }

    /** A head item as the table stores it (WIRE.md section 3). */
    public static ObjectNode headJson(AggregateHead h) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("pk", h.pk());
        o.put("sk", Keys.HEAD_SK);
        o.put("itemType", EventJson.ITEM_TYPE_HEAD);
        o.put("currentVersion", h.currentVersion());
        if (h.lastEventId() != null) {
            o.put("lastEventId", h.lastEventId());
        }
        if (h.lastIdemKey() != null) {
            o.put("lastIdemKey", h.lastIdemKey());
        }
        if (h.updatedAt() != null) {
            o.put("updatedAt", h.updatedAt());
        }
        o.put("aggregateId", h.aggregate().aggregateId());
        o.put("aggregateType", h.aggregate().aggregateType());
        return o;
    }

    /** Event items of some records, for tests that plant defects. */
    public static Stream<ObjectNode> eventItems(List<EventRecord> records) {
        return records.stream().map(EventJson::toItemJson);
    }
}
