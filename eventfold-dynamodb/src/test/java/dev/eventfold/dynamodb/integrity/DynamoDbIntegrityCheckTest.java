package dev.eventfold.dynamodb.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.NewEvent;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.dynamodb.projection.DynamoDbCheckpointStore;
import dev.eventfold.dynamodb.snapshot.DynamoDbSnapshotStore;
import dev.eventfold.aggregate.Snapshot;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.integrity.Defect;
import dev.eventfold.integrity.IntegrityReport;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.RequestCounter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.Page;
import dev.eventfold.replay.ScanSource;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The integrity check on a clean table and on one with defects planted raw through the SDK (moto). */
@ExtendWith(AwsExtension.class)
class DynamoDbIntegrityCheckTest {

    static DynamoDbEventStore seed(DynamoDbClient ddb, String table, String id, String tenant, int n) {
        DynamoDbEventStore store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
        AggregateRef ref = AggregateRef.of("wallet", id);
        for (int v = 1; v <= n; v++) {
            store.appendEvent(ref, v - 1, NewEvent.builder().eventId(id + "-" + v).eventType("Wallet.Funded")
                    .tenantId(tenant).payload(Map.of("amount", v)).build());
        }
        return store;
    }

    static Map<String, AttributeValue> key(String id, String sk) {
        return Map.of("pk", AttributeValue.fromS("AGG#wallet#" + id), "sk", AttributeValue.fromS(sk));
    }

    static DynamoDbIntegrityCheck check(DynamoDbClient ddb, String table) {
        return DynamoDbIntegrityCheck.builder().client(ddb).tableName(table).segments(3).build();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class CleanTable {
        @Test
        void every_scope_of_a_clean_table_is_clean_with_exit_code_zero(AwsTestEnvironment aws) {
            DynamoDbClient ddb = aws.dynamoDb();
            String table = AwsTestEnvironment.uniqueName("verify-clean");
            EventTable.create(ddb, table);
            seed(ddb, table, "a", "t-1", 5);
            seed(ddb, table, "b", "t-1", 2);
            seed(ddb, table, "c", "t-2", 3);
            // Snapshots and checkpoints share the table without being mistaken for events.
            DynamoDbSnapshotStore.builder().client(ddb).tableName(table).build()
                    .save(new Snapshot(AggregateRef.of("wallet", "a"), 5, 1, EventJson.parse("{\"balance\":15}"), null));
            DynamoDbCheckpointStore.builder().client(ddb).tableName(table).build().advance("p", AggregateRef.of("wallet", "a"), 0, 5);

            IntegrityReport whole = check(ddb, table).checkTable();
            assertThat(whole.defects()).isEmpty();
            assertThat(whole.exitCode()).isZero();
            assertThat(whole.aggregatesChecked()).isEqualTo(3);
            assertThat(whole.eventsChecked()).isEqualTo(10);
            assertThat(whole.snapshotsSeen()).isEqualTo(1);
            // The checkpoint and the store's idempotency records (IDEM#, one per append) are counted, never judged.
            long idempotencyRecords = ddb.scan(sc -> sc.tableName(table).consistentRead(true)
                    .filterExpression("itemType = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromS("idempotency"))))
                    .items().stream().filter(i -> i.get("sk").s().startsWith("IDEM#")).count();
            assertThat(idempotencyRecords).isEqualTo(10);
            assertThat(whole.otherItems()).isEqualTo(1 + idempotencyRecords);

            IntegrityReport tenant = check(ddb, table).checkTenant("t-1");
            assertThat(tenant.isClean()).isTrue();
            assertThat(tenant.aggregatesChecked()).isEqualTo(2);
            assertThat(tenant.scope()).isEqualTo("tenant t-1");

            IntegrityReport one = check(ddb, table).checkAggregate(AggregateRef.of("wallet", "c"));
            assertThat(one.isClean()).isTrue();
            assertThat(one.eventsChecked()).isEqualTo(3);
            assertThat(one.otherItems()).isEqualTo(3);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class LiveTable {
        /** Runs {@code afterPage} once, right after the scan returned a page holding the item (pk, sk). */
        static UnaryOperator<ScanSource> afterScanning(String pk, String sk, Runnable afterPage) {
            AtomicBoolean done = new AtomicBoolean();
            return source -> (segment, total, cursor, filter) -> {
                Page<ObjectNode> page = source.scan(segment, total, cursor, filter);
                boolean seen = page.data().stream().anyMatch(i -> pk.equals(i.path("pk").asText()) && sk.equals(i.path("sk").asText()));
                if (seen && done.compareAndSet(false, true)) {
                    afterPage.run();
                }
                return page;
            };
        }

        @Test
        void a_mismatch_the_scan_saw_but_a_consistent_reread_does_not_is_dropped_and_a_real_defect_stays(AwsTestEnvironment aws) {
            DynamoDbClient ddb = aws.dynamoDb();
            String table = AwsTestEnvironment.uniqueName("verify-live");
            EventTable.create(ddb, table);
            seed(ddb, table, "racing", "t-1", 2);
            seed(ddb, table, "broken", "t-1", 3);
            seed(ddb, table, "fine", "t-1", 2);
            // What a scan sees when it reads a head after an append and the events before it.
            ddb.updateItem(u -> u.tableName(table).key(key("racing", "HEAD")).updateExpression("SET currentVersion = :v, lastEventId = :e")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("3"), ":e", AttributeValue.fromS("racing-3"))));
            ddb.deleteItem(d -> d.tableName(table).key(key("broken", "EVT#000000002")));
            RequestCounter requests = new RequestCounter();
            DynamoDbClient counting = aws.dynamoDb(requests);

            IntegrityReport r = DynamoDbIntegrityCheck.builder().client(counting).tableName(table).segments(2)
                    .scanHook(afterScanning("AGG#wallet#racing", "HEAD", () ->
                            // The racing append's event lands once the scan has passed the head.
                            ddb.putItem(p -> p.tableName(table).item(eventItem("racing", 3)))))
                    .build().checkTable();

            assertThat(r.defects()).extracting(d -> d.kind() + " " + d.pk() + " " + d.sk())
                    .containsExactly("VERSION_GAP AGG#wallet#broken EVT#000000002");
            assertThat(r.defectCount()).isEqualTo(1);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(requests.count("Query")).as("one consistent Query per flagged aggregate").isEqualTo(2);
        }

        Map<String, AttributeValue> eventItem(String id, long v) {
            Map<String, AttributeValue> item = new HashMap<>(key(id, String.format("EVT#%09d", v)));
            item.put("itemType", AttributeValue.fromS("event"));
            item.put("version", AttributeValue.fromN(Long.toString(v)));
            item.put("eventId", AttributeValue.fromS(id + "-" + v));
            item.put("eventType", AttributeValue.fromS("Wallet.Funded"));
            item.put("aggregateType", AttributeValue.fromS("wallet"));
            item.put("aggregateId", AttributeValue.fromS(id));
            item.put("occurredAt", AttributeValue.fromS("2026-11-27T10:00:00.000Z"));
            item.put("schemaVersion", AttributeValue.fromN("1"));
            item.put("payload", AttributeValue.fromM(Map.of("amount", AttributeValue.fromN("3"))));
            return item;
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PlantedDefects {
        @Test
        void gap_head_mismatch_duplicate_event_id_and_corrupt_items_are_each_reported_with_their_keys(AwsTestEnvironment aws) {
            DynamoDbClient ddb = aws.dynamoDb();
            String table = AwsTestEnvironment.uniqueName("verify-bad");
            EventTable.create(ddb, table);
            seed(ddb, table, "ok", "t-1", 3);
            seed(ddb, table, "gap", "t-1", 4);
            seed(ddb, table, "head", "t-1", 2);
            seed(ddb, table, "dup", "t-2", 3);
            seed(ddb, table, "corrupt", "t-2", 3);

            ddb.deleteItem(d -> d.tableName(table).key(key("gap", "EVT#000000002")));
            ddb.updateItem(u -> u.tableName(table).key(key("head", "HEAD")).updateExpression("SET currentVersion = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("3"))));
            ddb.updateItem(u -> u.tableName(table).key(key("dup", "EVT#000000002")).updateExpression("SET eventId = :e")
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("dup-1"))));
            ddb.updateItem(u -> u.tableName(table).key(key("corrupt", "EVT#000000002")).updateExpression("REMOVE version"));
            ddb.updateItem(u -> u.tableName(table).key(key("corrupt", "EVT#000000003")).updateExpression("SET version = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("3"))));
            Map<String, AttributeValue> noEventType = new HashMap<>(key("corrupt", "EVT#000000004"));
            noEventType.put("itemType", AttributeValue.fromS("event"));
            noEventType.put("version", AttributeValue.fromN("4"));
            noEventType.put("eventId", AttributeValue.fromS("corrupt-4"));
            ddb.putItem(p -> p.tableName(table).item(noEventType));

            IntegrityReport r = check(ddb, table).checkTable();
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.defects()).extracting(d -> d.kind() + " " + d.pk() + " " + d.sk()).containsExactly(
                    "MALFORMED_ITEM AGG#wallet#corrupt EVT#000000002",
                    "MALFORMED_ITEM AGG#wallet#corrupt EVT#000000003",
                    "MALFORMED_ITEM AGG#wallet#corrupt EVT#000000004",
                    "HEAD_VERSION_MISMATCH AGG#wallet#corrupt HEAD",
                    "DUPLICATE_EVENT_ID AGG#wallet#dup EVT#000000002",
                    "VERSION_GAP AGG#wallet#gap EVT#000000002",
                    "HEAD_VERSION_MISMATCH AGG#wallet#head HEAD");
            assertThat(r.defects().get(0).detail()).isEqualTo("version: missing");
            assertThat(r.defects().get(1).detail()).isEqualTo("version: expected a number, found STRING");
            assertThat(r.defects().get(2).detail()).contains("eventType");

            IntegrityReport t1 = check(ddb, table).checkTenant("t-1");
            assertThat(t1.defects()).extracting(Defect::kind)
                    .containsExactly(Defect.Kind.VERSION_GAP, Defect.Kind.HEAD_VERSION_MISMATCH);
            IntegrityReport ok = check(ddb, table).checkAggregate(AggregateRef.of("wallet", "ok"));
            assertThat(ok.isClean()).isTrue();
            IntegrityReport dup = check(ddb, table).checkAggregate(AggregateRef.of("wallet", "dup"));
            assertThat(dup.defects()).extracting(Defect::kind).containsExactly(Defect.Kind.DUPLICATE_EVENT_ID);
        }
    }
}
