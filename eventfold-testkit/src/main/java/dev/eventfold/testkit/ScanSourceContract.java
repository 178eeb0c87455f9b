package dev.eventfold.testkit;

import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.replay.ScanFilter;
import dev.eventfold.replay.ScanSource;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ScanSource} must have. A source's test extends this class and
 * supplies an empty table per test, the event store that writes into it and scan sources over it;
 * the suite writes events through the store, then checks what the scan returns: every event and
 * head item exactly once across all segments and pages, a partition in one segment in sort-key
 * order, cursors, and what each {@link ScanFilter} selects.
 *
 * <pre>{@code
 * class InMemoryScanSourceContractTest extends ScanSourceContract {
 *     protected EventStore emptyStore() { return store = new InMemoryEventStore(); }
 *     protected ScanSource source(int pageSize) { return new InMemoryScanSource(store, pageSize); }
 * }
 * }</pre>
 *
 * A table may hold items besides events and heads (DynamoDB keeps idempotency records in the
 * aggregate's partition, the in-memory items do not): the suite requires those to be seen at most
 * once, nothing more.
 */
public abstract class ScanSourceContract {

    /** A new, empty table for one test, and the store that writes into it. */
    protected abstract EventStore emptyStore();

    /** A source over the table {@link #emptyStore()} made last, whose pages hold at most {@code pageSize} items. */
    protected abstract ScanSource source(int pageSize);

    private EventStore store;

    @BeforeEach
    protected void startWithAnEmptyTable() {
        store = emptyStore();
    }

    protected EventStore store() {
        return store;
    }

    // ---------------------------------------------------------------- the table

    /** What was written: every event and head item, keyed {@code pk|sk}. */
    protected record Written(Map<String, EventRecord> events, Map<String, AggregateHead> heads) {
        Set<String> eventKeys(Predicate<EventRecord> which) {
            return events.entrySet().stream().filter(e -> which.test(e.getValue())).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> eventAndHeadKeys() {
            Set<String> keys = new TreeSet<>(events.keySet());
            keys.addAll(heads.keySet());
            return keys;
        }
    }

    /**
     * Nine aggregates of two types, 1 to 6 events each, appended one by one and in batches:
     * {@code Wallet.Opened} first, then {@code Wallet.Funded} / {@code Wallet.Withdrawn};
     * orders {@code Order.Placed} then {@code Order.Shipped}.
     */
    protected Written writeTable() {
        Map<String, EventRecord> events = new LinkedHashMap<>();
        Map<String, AggregateHead> heads = new LinkedHashMap<>();
        List<AggregateRef> aggregates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            AggregateRef wallet = AggregateRef.of("wallet", "w" + i + "-" + UUID.randomUUID().toString().substring(0, 8));
            int count = 1 + i;
            store.appendEvent(wallet, 0, event("Wallet.Opened", 0).toBuilder().tenantId("t-" + (i % 2)).build());
            List<NewEvent> rest = new ArrayList<>();
            for (int v = 2; v <= count; v++) {
                rest.add(event(v % 2 == 0 ? "Wallet.Funded" : "Wallet.Withdrawn", v));
            }
            if (!rest.isEmpty()) {
                if (i % 2 == 0) {
                    store.appendEvents(wallet, 1, rest);
                } else {
                    for (int k = 0; k < rest.size(); k++) {
                        store.appendEvent(wallet, 1 + k, rest.get(k));
                    }
                }
            }
            aggregates.add(wallet);
        }
        for (int i = 0; i < 3; i++) {
            AggregateRef order = AggregateRef.of("order", "o" + i + "-" + UUID.randomUUID().toString().substring(0, 8));
            store.appendEvents(order, 0, List.of(event("Order.Placed", i), event("Order.Shipped", i)));
            aggregates.add(order);
        }
        for (AggregateRef a : aggregates) {
            store.readEvents(EventQuery.of(a)).forEach(e -> events.put(e.pk() + "|" + e.sk(), e));
            AggregateHead head = store.getHead(a).orElseThrow();
            heads.put(head.pk() + "|" + Keys.HEAD_SK, head);
        }
        return new Written(events, heads);
    }

    protected static NewEvent event(String type, int n) {
        return NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType(type).source("contract")
                .correlationId("corr-" + n).payload(Map.of("n", n, "note", "item " + n)).build();
    }

    // ---------------------------------------------------------------- reading

    protected static String key(ObjectNode item) {
        return item.path("pk").asText() + "|" + item.path("sk").asText();
    }

    /** Every page of one segment, following cursors until a page has none. */
    protected static List<Page<ObjectNode>> pagesOf(ScanSource source, int segment, int totalSegments, ScanFilter filter) {
        List<Page<ObjectNode>> pages = new ArrayList<>();
        String cursor = null;
        do {
            Page<ObjectNode> page = source.scan(segment, totalSegments, cursor, filter);
            pages.add(page);
            if (pages.size() > 10_000) {
                fail("segment " + segment + " of " + totalSegments + " never ends: cursor " + page.cursor());
            }
            cursor = page.cursor();
        } while (cursor != null);
        return pages;
    }

    /** The items of one segment, in the order the pages gave them. */
    protected static List<ObjectNode> itemsOf(ScanSource source, int segment, int totalSegments, ScanFilter filter) {
        return pagesOf(source, segment, totalSegments, filter).stream().flatMap(p -> p.data().stream()).toList();
    }

    /** The keys of every item of every segment, duplicates kept. */
    protected static List<String> keysOfAllSegments(ScanSource source, int totalSegments, ScanFilter filter) {
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < totalSegments; s++) {
            itemsOf(source, s, totalSegments, filter).forEach(i -> keys.add(key(i)));
        }
        return keys;
    }

    private static boolean isEventOrHead(String key) {
        String sk = key.substring(key.indexOf('|') + 1);
        return sk.startsWith(Keys.EVENT_SK_PREFIX) || sk.equals(Keys.HEAD_SK);
    }

    // ---------------------------------------------------------------- segments

    @Nested
    class Segments {
        @Test
        void an_empty_table_has_no_items_in_any_segment() {
            for (int total : new int[] {1, 4}) {
                for (int s = 0; s < total; s++) {
                    assertThat(itemsOf(source(10), s, total, ScanFilter.ALL_ITEMS)).as("segment %d of %d", s, total).isEmpty();
                }
            }
        }

        @Test
        void every_item_is_seen_exactly_once_across_all_segments_and_pages() {
            Written written = writeTable();
            for (int total : new int[] {1, 2, 3, 7}) {
                for (int pageSize : new int[] {1, 4, 1000}) {
                    List<String> keys = keysOfAllSegments(source(pageSize), total, ScanFilter.ALL_ITEMS);

                    String as = total + " segments, pages of " + pageSize;
                    assertThat(keys).as(as).doesNotHaveDuplicates();
                    assertThat(keys.stream().filter(ScanSourceContract::isEventOrHead))
                            .as(as).containsExactlyInAnyOrderElementsOf(written.eventAndHeadKeys());
                }
            }
        }

        @Test
        void a_partition_is_read_by_one_segment_in_sort_key_order() {
            writeTable();
            int total = 4;
            Map<String, Set<Integer>> segmentsOfPartition = new HashMap<>();
            for (int s = 0; s < total; s++) {
                Map<String, List<String>> sortKeysByPartition = new LinkedHashMap<>();
                for (ObjectNode item : itemsOf(source(2), s, total, ScanFilter.ALL_ITEMS)) {
                    String pk = item.path("pk").asText();
                    segmentsOfPartition.computeIfAbsent(pk, k -> new TreeSet<>()).add(s);
                    sortKeysByPartition.computeIfAbsent(pk, k -> new ArrayList<>()).add(item.path("sk").asText());
                }
                sortKeysByPartition.forEach((pk, sks) -> assertThat(sks).as(pk).isSortedAccordingTo(String::compareTo));
            }
            assertThat(segmentsOfPartition).hasSize(9).allSatisfy((pk, segments) -> assertThat(segments).as(pk).hasSize(1));
        }

        @Test
        void an_aggregate_s_events_come_in_version_order_within_its_segment() {
            writeTable();
            for (int s = 0; s < 3; s++) {
                Map<String, List<Long>> versions = new LinkedHashMap<>();
                for (ObjectNode item : itemsOf(source(3), s, 3, ScanFilter.ALL_EVENTS)) {
                    versions.computeIfAbsent(item.path("pk").asText(), k -> new ArrayList<>()).add(item.path("version").longValue());
                }
                versions.forEach((pk, vs) -> assertThat(vs).as(pk).isEqualTo(
                        LongStream.rangeClosed(1, vs.size()).boxed().toList()));
            }
        }

        @Test
        void a_segment_outside_the_range_is_refused() {
            ScanSource source = source(10);
            for (int[] bad : new int[][] {{-1, 2}, {2, 2}, {3, 2}, {0, 0}, {0, -1}}) {
                assertThatThrownBy(() -> source.scan(bad[0], bad[1], null, ScanFilter.ALL_ITEMS))
                        .as("segment %d of %d", bad[0], bad[1])
                        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("segment"));
            }
        }
    }

    // ---------------------------------------------------------------- cursors and pages

    @Nested
    class Paging {
        @Test
        void no_page_holds_more_items_than_the_page_size() {
            writeTable();
            for (int total : new int[] {1, 2}) {
                for (int s = 0; s < total; s++) {
                    assertThat(pagesOf(source(3), s, total, ScanFilter.ALL_ITEMS))
                            .allSatisfy(p -> assertThat(p.data().size()).isLessThanOrEqualTo(3));
                }
            }
        }

        @Test
        void a_cursor_continues_after_its_page_and_the_same_cursor_gives_the_same_page_again() {
            writeTable();
            ScanSource source = source(4);

            Page<ObjectNode> first = source.scan(0, 1, null, ScanFilter.ALL_ITEMS);
            assertThat(first.hasMore()).isTrue();
            Page<ObjectNode> second = source.scan(0, 1, first.cursor(), ScanFilter.ALL_ITEMS);
            Page<ObjectNode> again = source.scan(0, 1, first.cursor(), ScanFilter.ALL_ITEMS);

            List<String> firstKeys = first.data().stream().map(ScanSourceContract::key).toList();
            List<String> secondKeys = second.data().stream().map(ScanSourceContract::key).toList();
            assertThat(firstKeys).isNotEmpty();
            assertThat(secondKeys).isNotEmpty().doesNotContainAnyElementsOf(firstKeys);
            assertThat(again.data().stream().map(ScanSourceContract::key).toList()).isEqualTo(secondKeys);
            assertThat(again.cursor()).isEqualTo(second.cursor());
        }

        @Test
        void small_pages_hold_the_same_items_as_one_large_page() {
            writeTable();
            for (int s = 0; s < 2; s++) {
                List<String> small = itemsOf(source(1), s, 2, ScanFilter.ALL_ITEMS).stream().map(ScanSourceContract::key).toList();
                List<String> large = itemsOf(source(1000), s, 2, ScanFilter.ALL_ITEMS).stream().map(ScanSourceContract::key).toList();

                assertThat(small).as("segment %d", s).containsExactlyInAnyOrderElementsOf(large);
            }
        }

        @Test
        void a_cursor_the_source_did_not_make_is_refused() {
            writeTable();
            ScanSource source = source(4);
            for (String bad : List.of("nope", "", "{}", "[]", "-1", "{\"pk\": 1}")) {
                assertThatThrownBy(() -> source.scan(0, 1, bad, ScanFilter.ALL_ITEMS))
                        .as("cursor '%s'", bad)
                        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
            }
        }
    }

    // ---------------------------------------------------------------- filters

    @Nested
    class Filters {
        @Test
        void all_events_selects_every_event_once_and_nothing_else() {
            Written written = writeTable();
            for (int total : new int[] {1, 3}) {
                for (int pageSize : new int[] {2, 1000}) {
                    List<ObjectNode> items = new ArrayList<>();
                    for (int s = 0; s < total; s++) {
                        items.addAll(itemsOf(source(pageSize), s, total, ScanFilter.ALL_EVENTS));
                    }

                    assertThat(items).allSatisfy(i -> assertThat(i.path("itemType").asText()).isEqualTo("event"));
                    assertThat(items.stream().map(ScanSourceContract::key))
                            .containsExactlyInAnyOrderElementsOf(written.eventKeys(e -> true));
                }
            }
        }

        @Test
        void event_types_select_every_event_of_those_types_once_and_nothing_else() {
            Written written = writeTable();
            Set<String> types = Set.of("Wallet.Opened", "Order.Shipped");
            Set<String> expected = written.eventKeys(e -> types.contains(e.eventType()));
            for (boolean eventsOnly : new boolean[] {true, false}) {
                for (int total : new int[] {1, 3}) {
                    List<ObjectNode> items = new ArrayList<>();
                    for (int s = 0; s < total; s++) {
                        items.addAll(itemsOf(source(2), s, total, new ScanFilter(eventsOnly, types)));
                    }

                    // Heads and other items carry no eventType: they are never "events of these types".
                    assertThat(items).as("eventsOnly %s, %d segments", eventsOnly, total).allSatisfy(i -> {
                        assertThat(i.path("itemType").asText()).isEqualTo("event");
                        assertThat(types).contains(i.path("eventType").asText());
                    });
                    assertThat(items.stream().map(ScanSourceContract::key)).containsExactlyInAnyOrderElementsOf(expected);
                }
            }
            assertThat(expected).hasSize(9);
        }

        @Test
        void a_filter_that_matches_nothing_ends_every_segment_without_items() {
            writeTable();
            for (int s = 0; s < 3; s++) {
                assertThat(itemsOf(source(2), s, 3, new ScanFilter(true, Set.of("No.Such.Event")))).isEmpty();
            }
        }
    }

    // ---------------------------------------------------------------- contents

    @Nested
    class Contents {
        @Test
        void an_event_item_carries_the_event_as_it_was_appended() {
            Written written = writeTable();
            List<ObjectNode> items = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                items.addAll(itemsOf(source(1000), s, 2, ScanFilter.ALL_EVENTS));
            }

            assertThat(items).hasSize(written.events().size()).allSatisfy(item -> {
                EventRecord stored = written.events().get(key(item));
                assertThat(item.path("version").isIntegralNumber()).isTrue();
                assertThat(item.path("schemaVersion").isIntegralNumber()).isTrue();
                EventRecord scanned = EventItems.fromJson(item);
                assertThat(scanned.aggregate()).isEqualTo(stored.aggregate());
                assertThat(scanned.version()).isEqualTo(stored.version());
                assertThat(scanned.eventId()).isEqualTo(stored.eventId());
                assertThat(scanned.eventType()).isEqualTo(stored.eventType());
                assertThat(scanned.source()).isEqualTo("contract");
                assertThat(scanned.tenantId()).isEqualTo(stored.tenantId());
                assertThat(scanned.correlationId()).isEqualTo(stored.correlationId());
                assertThat(scanned.occurredAt()).isEqualTo(stored.occurredAt());
                assertThat(scanned.schemaVersion()).isEqualTo(stored.schemaVersion());
                assertThat(EventJson.equivalent(scanned.payload(), stored.payload())).as(scanned.payload().toString()).isTrue();
            });
            assertThat(items).filteredOn(i -> "Wallet.Opened".equals(i.path("eventType").asText()))
                    .allSatisfy(i -> assertThat(i.path("tenantId").asText()).startsWith("t-"));
        }

        @Test
        void a_head_item_carries_the_aggregate_s_head() {
            Written written = writeTable();

            List<ObjectNode> heads = itemsOf(source(1000), 0, 1, ScanFilter.ALL_ITEMS).stream()
                    .filter(i -> Keys.HEAD_SK.equals(i.path("sk").asText())).toList();

            assertThat(heads).hasSize(9).allSatisfy(item -> {
                AggregateHead stored = written.heads().get(key(item));
                assertThat(item.path("itemType").asText()).isEqualTo("head");
                assertThat(item.path("currentVersion").isIntegralNumber()).isTrue();
                AggregateHead scanned = EventItems.headFromJson(item);
                assertThat(scanned.aggregate()).isEqualTo(stored.aggregate());
                assertThat(scanned.currentVersion()).isEqualTo(stored.currentVersion());
                assertThat(scanned.lastEventId()).isEqualTo(stored.lastEventId());
            });
        }
    }
}
