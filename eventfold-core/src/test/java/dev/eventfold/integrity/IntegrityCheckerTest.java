package dev.eventfold.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class IntegrityCheckerTest {
    final InMemoryEventStore store = new InMemoryEventStore();
    final AggregateRef a = AggregateRef.of("wallet", "a");

    void seed(AggregateRef ref, int n) {
        for (int i = 1; i <= n; i++) {
            store.appendEvent(ref, i - 1, NewEvent.builder().eventId(ref.aggregateId() + "-" + i).eventType("Wallet.Funded")
                    .payload(Map.of("amount", i)).build());
        }
    }

    /** The table's items for aggregate {@code a} with 5 events, in a mutable form to plant defects into. */
    List<ObjectNode> items() {
        seed(a, 5);
        return new ArrayList<>(InMemoryItems.of(store).toList());
    }

    ObjectNode item(List<ObjectNode> items, String sk) {
        return items.stream().filter(i -> i.get("sk").asText().equals(sk)).findFirst().orElseThrow();
    }

    IntegrityReport check(List<? extends JsonNode> items) {
        return IntegrityChecker.check("test", items.stream());
    }

    @Nested
    class CleanData {
        @Test
        void a_clean_store_has_no_defects_and_exit_code_zero() {
            seed(a, 5);
            seed(AggregateRef.of("wallet", "b"), 3);
            IntegrityReport r = IntegrityChecker.check("in-memory", InMemoryItems.of(store));
            assertThat(r.defects()).isEmpty();
            assertThat(r.isClean()).isTrue();
            assertThat(r.exitCode()).isZero();
            assertThat(r.aggregatesChecked()).isEqualTo(2);
            assertThat(r.eventsChecked()).isEqualTo(8);
            assertThat(r.itemsChecked()).isEqualTo(10);
        }

        @Test
        void item_order_does_not_matter() {
            List<ObjectNode> items = items();
            Collections.shuffle(items, new Random(4));
            assertThat(check(items).isClean()).isTrue();
        }

        @Test
        void snapshots_checkpoints_and_unknown_items_are_counted_not_judged() {
            List<ObjectNode> items = items();
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"AGG#wallet#a\",\"sk\":\"SNAP#000000003\",\"itemType\":\"snapshot\"}"));
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"PROJ#balances#AGG#wallet#a\",\"sk\":\"CHECKPOINT\",\"itemType\":\"checkpoint\",\"version\":3}"));
            IntegrityReport r = check(items);
            assertThat(r.isClean()).isTrue();
            assertThat(r.snapshotsSeen()).isEqualTo(1);
            assertThat(r.otherItems()).isEqualTo(1);
        }

        @Test
        void idempotency_records_are_other_items_never_defects() {
            List<ObjectNode> items = items();
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"AGG#wallet#a\",\"sk\":\"IDEM#cmd-1\",\"itemType\":\"idempotency\","
                    + "\"firstVersion\":1,\"version\":1,\"firstEventId\":\"a-1\"}"));
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"AGG#wallet#a\",\"sk\":\"IDEM#cmd-2\",\"itemType\":\"idempotency\"}"));
            // One for an aggregate with no events and no head: still only counted.
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"AGG#wallet#lonely\",\"sk\":\"IDEM#k\",\"itemType\":\"idempotency\"}"));
            IntegrityReport r = check(items);
            assertThat(r.defects()).isEmpty();
            assertThat(r.otherItems()).isEqualTo(3);
            assertThat(r.aggregatesChecked()).isEqualTo(1);
            assertThat(r.eventsChecked()).isEqualTo(5);
        }

        @Test
        void a_head_without_item_type_as_the_reference_runtime_writes_it_is_fine() {
            List<ObjectNode> items = items();
            item(items, "HEAD").remove("itemType");
            assertThat(check(items).isClean()).isTrue();
        }
    }

    @Nested
    class PlantedDefects {
        @Test
        void a_missing_version_is_a_gap() {
            List<ObjectNode> items = items();
            items.remove(item(items, "EVT#000000003"));
            IntegrityReport r = check(items);
            assertThat(r.defects()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Defect.Kind.VERSION_GAP);
                assertThat(d.pk()).isEqualTo("AGG#wallet#a");
                assertThat(d.sk()).isEqualTo("EVT#000000003");
            });
            assertThat(r.exitCode()).isEqualTo(1);
        }

        @Test
        void a_missing_first_event_is_a_gap_from_version_one() {
            List<ObjectNode> items = items();
            items.remove(item(items, "EVT#000000001"));
            items.remove(item(items, "EVT#000000002"));
            assertThat(check(items).defects()).singleElement()
                    .satisfies(d -> assertThat(d.detail()).isEqualTo("versions 1 to 2 are missing"));
        }

        @Test
        void a_head_ahead_of_the_last_event_is_a_head_mismatch() {
            List<ObjectNode> items = items();
            item(items, "HEAD").put("currentVersion", 7);
            assertThat(check(items).defects()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Defect.Kind.HEAD_VERSION_MISMATCH);
                assertThat(d.sk()).isEqualTo("HEAD");
                assertThat(d.detail()).contains("7").contains("5");
            });
        }

        @Test
        void a_recheck_replaces_a_flagged_aggregates_defects_and_keeps_those_that_persist() {
            List<ObjectNode> items = items();
            AggregateRef b = AggregateRef.of("wallet", "b");
            seed(b, 2);
            items.addAll(InMemoryItems.of(store).filter(i -> i.get("pk").asText().equals(b.pk())).toList());
            item(items, "HEAD").put("currentVersion", 7);   // a's head, as a racing scan saw it
            items.removeIf(i -> i.get("pk").asText().equals(b.pk()) && i.get("sk").asText().equals("EVT#000000001"));
            IntegrityChecker checker = new IntegrityChecker("table");
            items.forEach(checker::accept);
            List<String> asked = new ArrayList<>();

            IntegrityReport r = checker.report(pk -> {
                asked.add(pk);
                // Read again: a is fine, b still lacks version 1.
                return Optional.of(IntegrityChecker.check("partition " + pk, InMemoryItems.of(store)
                        .filter(i -> i.get("pk").asText().equals(pk))
                        .filter(i -> !i.get("sk").asText().equals("EVT#000000001") || pk.equals(a.pk()))));
            });

            assertThat(asked).containsExactly(a.pk(), b.pk());
            assertThat(r.defects()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Defect.Kind.VERSION_GAP);
                assertThat(d.pk()).isEqualTo(b.pk());
            });
            assertThat(r.defectCount()).isEqualTo(1);
            assertThat(r.itemsChecked()).isEqualTo(items.size());
            assertThat(checker.report().defectCount()).as("without a recheck both stand").isEqualTo(2);
        }

        @Test
        void a_head_naming_another_last_event_is_reported() {
            List<ObjectNode> items = items();
            item(items, "HEAD").put("lastEventId", "someone-else");
            assertThat(check(items).defects()).extracting(Defect::kind).containsExactly(Defect.Kind.HEAD_LAST_EVENT_MISMATCH);
        }

        @Test
        void events_without_a_head_are_reported() {
            List<ObjectNode> items = items();
            items.remove(item(items, "HEAD"));
            assertThat(check(items).defects()).extracting(Defect::kind).containsExactly(Defect.Kind.MISSING_HEAD);
        }

        @Test
        void an_event_id_twice_in_one_aggregate_is_reported_at_the_later_version() {
            List<ObjectNode> items = items();
            item(items, "EVT#000000004").put("eventId", "a-2");
            assertThat(check(items).defects()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Defect.Kind.DUPLICATE_EVENT_ID);
                assertThat(d.sk()).isEqualTo("EVT#000000004");
                assertThat(d.detail()).contains("EVT#000000002");
            });
        }

        @Test
        void the_same_event_id_in_two_aggregates_is_fine() {
            seed(AggregateRef.of("wallet", "b"), 1);
            List<ObjectNode> items = items();
            ObjectNode other = item(items, "EVT#000000001").deepCopy();
            assertThat(other.get("pk").asText()).isNotNull();
            items.stream().filter(i -> i.get("pk").asText().equals("AGG#wallet#b") && i.get("sk").asText().startsWith("EVT#"))
                    .forEach(i -> i.put("eventId", "a-1"));
            items.stream().filter(i -> i.get("pk").asText().equals("AGG#wallet#b") && i.get("sk").asText().equals("HEAD"))
                    .forEach(i -> i.put("lastEventId", "a-1"));
            assertThat(check(items).isClean()).isTrue();
        }

        @Test
        void corrupt_items_are_reported_with_their_keys_and_never_throw() {
            List<ObjectNode> items = items();
            item(items, "EVT#000000002").remove("version");
            item(items, "EVT#000000003").put("version", "3");
            item(items, "EVT#000000004").put("eventId", 42);
            item(items, "EVT#000000005").remove("itemType");
            item(items, "HEAD").put("currentVersion", "five");
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"AGG#wallet#a\"}"));
            items.add((ObjectNode) EventJson.parse("{\"pk\":\"AGG#wallet#a\",\"sk\":\"EVT#12\"}"));

            IntegrityReport r = check(items);
            assertThat(r.defects()).allSatisfy(d -> assertThat(d.kind()).isEqualTo(Defect.Kind.MALFORMED_ITEM));
            assertThat(r.defects()).extracting(Defect::sk).containsExactly(null, "EVT#000000002", "EVT#000000003",
                    "EVT#000000004", "EVT#000000005", "EVT#12", "HEAD");
            assertThat(r.defects()).extracting(Defect::pk).containsOnly("AGG#wallet#a");
            assertThat(r.defectsOf(Defect.Kind.MALFORMED_ITEM).get(1).detail()).isEqualTo("version: missing");
            assertThat(r.defectsOf(Defect.Kind.MALFORMED_ITEM).get(2).detail()).isEqualTo("version: expected a number, found STRING");
            assertThat(r.defectsOf(Defect.Kind.MALFORMED_ITEM).get(3).detail()).contains("eventId");
        }

        @Test
        void a_version_attribute_that_disagrees_with_its_sort_key_is_reported() {
            List<ObjectNode> items = items();
            item(items, "EVT#000000002").put("version", 9);
            assertThat(check(items).defects()).extracting(Defect::kind).containsExactly(Defect.Kind.VERSION_SK_MISMATCH);
        }

        @Test
        void the_report_lists_at_most_max_defects_but_counts_them_all() {
            List<ObjectNode> items = items();
            items.forEach(i -> {
                if (i.get("sk").asText().startsWith("EVT#")) {
                    i.remove("version");
                }
            });
            IntegrityChecker c = new IntegrityChecker("test", 2);
            items.forEach(c::accept);
            IntegrityReport r = c.report();
            assertThat(r.defects()).hasSize(2);
            assertThat(r.defectCount()).isEqualTo(5);
            assertThat(r.truncated()).isTrue();
            assertThat(r.summary()).contains("5 defects");
        }

        @Test
        void items_from_several_threads_are_all_counted() {
            seed(a, 200);
            IntegrityChecker c = new IntegrityChecker("parallel");
            List<ObjectNode> items = InMemoryItems.of(store).toList();
            Stream.of(0, 1, 2, 3).parallel().forEach(seg -> {
                for (int i = seg; i < items.size(); i += 4) {
                    c.accept(items.get(i));
                }
            });
            IntegrityReport r = c.report();
            assertThat(r.itemsChecked()).isEqualTo(201);
            assertThat(r.isClean()).isTrue();
        }
    }
}
