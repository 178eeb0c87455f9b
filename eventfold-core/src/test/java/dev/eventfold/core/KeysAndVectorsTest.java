package dev.eventfold.core;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.spi.wire.Keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.EventQuery;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The key layout of {@code vectors/keys.json} and the JSON forms of {@code vectors/event-message.json}. */
class KeysAndVectorsTest {

    static JsonNode vector(String name) {
        try (InputStream in = KeysAndVectorsTest.class.getResourceAsStream("/vectors/" + name)) {
            return EventJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class KeysVector {
        @Test
        void every_case_maps_to_its_partition_and_sort_key() {
            for (JsonNode c : vector("keys.json").get("cases")) {
                AggregateRef ref = AggregateRef.of(c.get("aggregateType").textValue(), c.get("aggregateId").textValue());
                assertThat(ref.pk()).isEqualTo(c.get("pk").textValue());
                assertThat(Keys.eventSk(c.get("version").longValue())).isEqualTo(c.get("sk").textValue());
                assertThat(Keys.versionOf(c.get("sk").textValue())).isEqualTo(c.get("version").longValue());
                assertThat(AggregateRef.fromPk(ref.pk())).isEqualTo(ref);
            }
        }

        @Test
        void every_list_range_maps_to_its_sort_key_bounds() {
            AggregateRef ref = AggregateRef.of("wallet", "w");
            for (JsonNode r : vector("keys.json").get("listRanges")) {
                Long from = r.get("fromVersionExclusive").isNull() ? null : r.get("fromVersionExclusive").longValue();
                Long to = r.get("toVersionInclusive").isNull() ? null : r.get("toVersionInclusive").longValue();
                EventQuery q = EventQuery.of(ref, from, to, null, null);
                assertThat(q.fromSk()).isEqualTo(r.get("from").textValue());
                assertThat(q.toSk()).isEqualTo(r.get("to").textValue());
            }
        }

        @Test
        void every_rejected_case_is_refused_with_a_typed_error() {
            for (JsonNode c : vector("keys.json").get("rejected")) {
                assertThatThrownBy(() -> {
                    AggregateRef ref = AggregateRef.of(c.get("aggregateType").textValue(), c.get("aggregateId").textValue());
                    if (c.has("version")) {
                        Keys.eventSk(c.get("version").longValue());
                    }
                    ref.pk();
                }).as(c.get("why").textValue()).isInstanceOf(InvalidInputException.class);
            }
        }

        @Test
        void an_aggregate_id_may_contain_hashes_and_still_reads_back() {
            AggregateRef ref = AggregateRef.of("order", "o#1#2");
            assertThat(ref.pk()).isEqualTo("AGG#order#o#1#2");
            assertThat(AggregateRef.fromPk(ref.pk())).isEqualTo(ref);
        }
    }

    @Nested
    class MessageVector {
        @Test
        void the_message_reads_as_an_event_and_writes_back_as_the_same_json() {
            JsonNode message = vector("event-message.json");

            EventRecord e = EventItems.fromJson(message);

            assertThat(e.aggregate()).isEqualTo(AggregateRef.of("wallet", "wal_123"));
            assertThat(e.version()).isEqualTo(2);
            assertThat(e.sk()).isEqualTo("EVT#000000002");
            assertThat(EventJson.equivalent(EventItems.toMessageJson(e), message)).isTrue();
            assertThat(EventItems.toMessageJson(e).fieldNames()).toIterable()
                    .containsExactlyInAnyOrderElementsOf(() -> message.fieldNames());
        }

        @Test
        void meta_travels_on_messages_but_never_on_items() {
            EventRecord e = EventItems.fromJson(vector("event-message.json")).withMeta(EventMeta.NONE.withReplay(true));

            assertThat(EventItems.toMessageJson(e).get("meta").get("replay").booleanValue()).isTrue();
            assertThat(EventItems.toItemJson(e).has("meta")).isFalse();
            assertThat(EventItems.fromJson(EventItems.toMessageJson(e)).meta().isReplay()).isTrue();
        }

        @Test
        void a_message_without_its_event_type_is_refused_naming_the_field() {
            var message = (com.fasterxml.jackson.databind.node.ObjectNode) vector("event-message.json");
            message.remove("eventType");
            assertThatThrownBy(() -> EventItems.fromJson(message))
                    .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("eventType"));
        }
    }

    @Test
    void json_equivalence_compares_numbers_by_value_and_nothing_else_loosely() {
        assertThat(EventJson.equivalent(EventJson.parse("{\"a\":2,\"b\":[1.50]}"), EventJson.parse("{\"b\":[1.5],\"a\":2.0}"))).isTrue();
        assertThat(EventJson.equivalent(EventJson.parse("{\"a\":2}"), EventJson.parse("{\"a\":\"2\"}"))).isFalse();
        assertThat(EventJson.equivalent(EventJson.parse("{\"a\":2}"), EventJson.parse("{\"a\":3}"))).isFalse();
        assertThat(EventJson.equivalent(EventJson.parse("{\"a\":2}"), EventJson.parse("{\"a\":2,\"b\":null}"))).isFalse();
    }

    @Test
    void a_payload_that_does_not_bind_names_the_field_but_never_its_value() {
        record Amount(int amount) {
        }
        EventRecord e = EventItems.fromJson(vector("event-message.json"))
                .withPayload(1, EventJson.parse("{\"amount\": \"secret-4111\"}"));

        assertThatThrownBy(() -> e.payloadAs(Amount.class))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("amount")
                .hasMessageNotContaining("secret-4111");
    }

    @Nested
    class ItemSize {
        @Test
        void sizes_follow_the_dynamodb_rules() {
            // "ab": 2 + "xyz": 3 -> 5; number 12345 -> 3 digits pairs + 1 = 4 with name "n" -> 5
            assertThat(DynamoItemSize.of(EventJson.mapper().valueToTree(Map.of("ab", "xyz")))).isEqualTo(5);
            assertThat(DynamoItemSize.of(EventJson.mapper().valueToTree(Map.of("n", 12345)))).isEqualTo(1 + 4);
            // list of two booleans: 3 + 2 * (1 + 1); name "l"
            assertThat(DynamoItemSize.of(EventJson.parse("{\"l\":[true,false]}"))).isEqualTo(1 + 3 + 4);
            // map {"k": null}: 3 + 1 + 1 + 1; name "m"
            assertThat(DynamoItemSize.of(EventJson.parse("{\"m\":{\"k\":null}}"))).isEqualTo(1 + 6);
            // multi-byte characters count their UTF-8 bytes
            assertThat(DynamoItemSize.of(EventJson.parse("{\"s\":\"é🎉\"}"))).isEqualTo(1 + 2 + 4);
        }
    }
}
