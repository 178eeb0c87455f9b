package dev.eventfold.dynamodb;

import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.DynamoJson;
import dev.eventfold.testkit.WireVectors;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The golden vectors of {@code shared/spec/vectors}: Java writes items the TypeScript runtime reads,
 * and reads items it wrote, through the real SDK against the emulator.
 */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireCompatibilityTest {
    private DynamoDbClient ddb;
    private String table;
    private DynamoDbEventStore store;

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb();
        table = AwsTestEnvironment.uniqueName("wire");
        EventTable.create(ddb, table);
        store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
    }

    private Map<String, AttributeValue> raw(String pk, String sk) {
        return ddb.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk))))
                .item();
    }

    @Nested
    class JavaWrites {
        @Test
        void an_event_item_has_exactly_the_attributes_and_types_of_the_reference_vector() {
            JsonNode vector = WireVectors.json(WireVectors.EVENT_ITEM);
            Map<String, AttributeValue> expected = DynamoJson.item(vector);
            EventRecord v = EventItems.fromJson(WireVectors.json(WireVectors.EVENT_MESSAGE));
            AggregateRef wallet = AggregateRef.of("wallet", "wal_123");
            store.appendEvent(wallet, 0, NewEvent.builder().eventId("evt-first").eventType("Wallet.Funded").build());

            store.appendEvent(wallet, 1, NewEvent.builder().eventId(v.eventId()).eventType(v.eventType()).source(v.source())
                    .tenantId(v.tenantId()).occurredAt(v.occurredAt()).correlationId(v.correlationId())
                    .causationId(v.causationId()).actorId(v.actorId()).payload(v.payload()).build());

            Map<String, AttributeValue> written = raw("AGG#wallet#wal_123", "EVT#000000002");
            assertThat(new TreeMap<>(written)).isEqualTo(new TreeMap<>(expected));
        }

        @Test
        void the_head_has_the_reference_attributes_and_names_its_item_type() {
            AggregateRef a = AggregateRef.of("wallet", "wal_head");
            store.appendEvent(a, 0, NewEvent.builder().eventId("evt-h1").eventType("Wallet.Opened").build());

            Map<String, AttributeValue> head = raw(a.pk(), "HEAD");

            Map<String, AttributeValue> reference = DynamoJson.item(WireVectors.json(WireVectors.HEAD_ITEM));
            assertThat(head.keySet()).containsAll(reference.keySet());
            reference.forEach((name, value) -> assertThat(head.get(name).type()).as(name).isEqualTo(value.type()));
            assertThat(head.get("currentVersion").n()).isEqualTo("1");
            assertThat(head.get("lastEventId").s()).isEqualTo("evt-h1");
            assertThat(head.get("lastIdemKey").s()).isEqualTo("evt-h1");
            assertThat(head.get("itemType").s()).isEqualTo("head");
            assertThat(head.get("updatedAt").s()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
    }

    @Nested
    class JavaReads {
        @Test
        void an_event_item_written_by_the_reference_runtime() {
            Map<String, AttributeValue> item = new java.util.HashMap<>(DynamoJson.item(WireVectors.json(WireVectors.EVENT_ITEM)));
            String id = "wal_ref_" + System.nanoTime();
            item.put("pk", AttributeValue.fromS("AGG#wallet#" + id));
            item.put("aggregateId", AttributeValue.fromS(id));
            item.put("unknownFutureAttribute", AttributeValue.fromS("ignored"));
            ddb.putItem(b -> b.tableName(table).item(item));

            EventRecord read = store.getEvent(AggregateRef.of("wallet", id), 2).orElseThrow();

            JsonNode message = WireVectors.json(WireVectors.EVENT_MESSAGE);
            assertThat(read.eventId()).isEqualTo("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2");
            assertThat(read.eventType()).isEqualTo("Wallet.Withdrawn");
            assertThat(read.version()).isEqualTo(2);
            assertThat(read.tenantId()).isEqualTo("ten_9");
            assertThat(read.source()).isEqualTo("billing");
            assertThat(read.occurredAt()).isEqualTo("2026-11-27T16:05:59.123Z");
            assertThat(read.correlationId()).isEqualTo("corr-123");
            assertThat(read.causationId()).isEqualTo("evt-01J9Z3K7ZZ0000000000000000");
            assertThat(read.actorId()).isEqualTo("user-456");
            assertThat(read.payload()).isEqualTo(message.get("payload"));
            assertThat(read.payload().get("amount").isIntegralNumber()).isTrue();
            assertThat(read.payload().get("fee").decimalValue()).isEqualByComparingTo("2.5");
            assertThat(store.listEvents(EventQuery.of(AggregateRef.of("wallet", id))).data()).hasSize(1);
        }

        @Test
        void a_head_written_by_the_reference_runtime_and_then_appends_after_it() {
            Map<String, AttributeValue> head = new java.util.HashMap<>(DynamoJson.item(WireVectors.json(WireVectors.HEAD_ITEM)));
            String id = "wal_refhead_" + System.nanoTime();
            head.put("pk", AttributeValue.fromS("AGG#wallet#" + id));
            head.put("aggregateId", AttributeValue.fromS(id));
            ddb.putItem(b -> b.tableName(table).item(head));
            AggregateRef a = AggregateRef.of("wallet", id);

            AggregateHead read = store.getHead(a).orElseThrow();
            AppendResult next = store.appendEvent(a, read.currentVersion(),
                    NewEvent.builder().eventId("evt-java-3").eventType("Wallet.Funded").build());

            assertThat(read.currentVersion()).isEqualTo(2);
            assertThat(read.lastEventId()).isEqualTo("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2");
            assertThat(read.lastIdemKey()).isEqualTo("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2");
            assertThat(read.updatedAt()).isEqualTo("2026-11-27T16:05:59.130Z");
            assertThat(next.version()).isEqualTo(3);
            assertThat(raw(a.pk(), "HEAD").get("aggregateId").s()).isEqualTo(id);
        }

        @Test
        void a_reference_retry_of_the_last_append_is_recognised_as_a_repeat() {
            Map<String, AttributeValue> head = new java.util.HashMap<>(DynamoJson.item(WireVectors.json(WireVectors.HEAD_ITEM)));
            String id = "wal_refidem_" + System.nanoTime();
            head.put("pk", AttributeValue.fromS("AGG#wallet#" + id));
            ddb.putItem(b -> b.tableName(table).item(head));
            AggregateRef a = AggregateRef.of("wallet", id);

            AppendResult repeat = store.append(dev.eventfold.store.AppendRequest.of(a, 2,
                    NewEvent.builder().eventId("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2").eventType("Wallet.Withdrawn").build()));

            assertThat(repeat.alreadyAppended()).isTrue();
            assertThat(repeat.version()).isEqualTo(2);
            assertThat(raw(a.pk(), "EVT#000000003")).isEmpty();
        }
    }
}
