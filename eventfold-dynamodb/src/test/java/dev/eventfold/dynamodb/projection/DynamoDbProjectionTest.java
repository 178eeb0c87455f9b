package dev.eventfold.dynamodb.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.projection.CheckpointConflictException;
import dev.eventfold.projection.ProjectionResult;
import dev.eventfold.projection.Projector;
import dev.eventfold.testkit.RequestCounter;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Projections with DynamoDB checkpoints, the read model in DynamoDB, committed in one transaction (moto). */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbProjectionTest {
    DynamoDbClient ddb;
    String events;
    String readModel;
    DynamoDbEventStore store;
    DynamoDbCheckpointStore checkpoints;
    RequestCounter requests = new RequestCounter();
    DynamoDbClient counted;

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb();
        counted = aws.dynamoDb(requests);
        events = AwsTestEnvironment.uniqueName("proj-events");
        readModel = AwsTestEnvironment.uniqueName("proj-model");
        EventTable.create(ddb, events);
        EventTable.create(ddb, readModel); // any pk/sk table will do
        store = DynamoDbEventStore.builder().client(ddb).tableName(events).build();
        checkpoints = DynamoDbCheckpointStore.builder().client(ddb).tableName(readModel).build();
    }

    List<EventRecord> seed(AggregateRef ref, int n) {
        for (int i = 1; i <= n; i++) {
            store.appendEvent(ref, i - 1, NewEvent.builder().eventId("e-" + UUID.randomUUID()).eventType("Wallet.Funded")
                    .payload(Map.of("amount", i)).build());
        }
        return store.readEvents(EventQuery.of(ref)).toList();
    }

    /** The balance row: ADD the event's amount times its version (order-sensitive weights catch a double apply), count 1. */
    TransactWriteItem balanceUpdate(String projection, EventRecord e) {
        long amount = e.payload().get("amount").longValue() * e.version();
        return TransactWriteItem.builder().update(u -> u.tableName(readModel)
                .key(Map.of("pk", AttributeValue.fromS("BAL#" + projection), "sk", AttributeValue.fromS(e.aggregateId())))
                .updateExpression("ADD balance :amt, applied :one")
                .expressionAttributeValues(Map.of(":amt", AttributeValue.fromN(Long.toString(amount)),
                        ":one", AttributeValue.fromN("1")))).build();
    }

    Map<String, AttributeValue> balanceRow(String projection, AggregateRef ref) {
        return ddb.getItem(g -> g.tableName(readModel).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("BAL#" + projection), "sk", AttributeValue.fromS(ref.aggregateId())))).item();
    }

    static long expected(List<EventRecord> events) {
        return events.stream().mapToLong(e -> e.payload().get("amount").longValue() * e.version()).sum();
    }

    @Nested
    class Deliveries {
        @Test
        void duplicated_reordered_and_missing_deliveries_end_in_the_state_of_one_in_order_pass() {
            AggregateRef a = AggregateRef.of("wallet", "a-" + UUID.randomUUID());
            AggregateRef b = AggregateRef.of("wallet", "b-" + UUID.randomUUID());
            List<EventRecord> ae = seed(a, 8);
            List<EventRecord> be = seed(b, 5);
            for (long seed = 1; seed <= 3; seed++) {
                String name = "balances-" + seed;
                Projector p = Projector.builder(name, store)
                        .transactional(checkpoints, e -> List.of(balanceUpdate(name, e))).build();
                List<EventRecord> deliveries = new ArrayList<>();
                Random r = new Random(seed);
                for (EventRecord e : concat(ae, be)) {
                    for (int copies = r.nextInt(3); copies > 0; copies--) { // 0 = lost, 2 = duplicated
                        deliveries.add(e);
                    }
                }
                Collections.shuffle(deliveries, r);
                deliveries.add(ae.get(ae.size() - 1)); // the queue redelivers each aggregate's last event
                deliveries.add(be.get(be.size() - 1));
                deliveries.forEach(p::handle);

                assertThat(balanceRow(name, a).get("balance").n()).isEqualTo(Long.toString(expected(ae)));
                assertThat(balanceRow(name, a).get("applied").n()).isEqualTo("8");
                assertThat(balanceRow(name, b).get("balance").n()).isEqualTo(Long.toString(expected(be)));
                assertThat(balanceRow(name, b).get("applied").n()).isEqualTo("5");
                assertThat(checkpoints.lastApplied(name, a)).isEqualTo(8);
                assertThat(checkpoints.lastApplied(name, b)).isEqualTo(5);
            }
        }
    }

    @Nested
    class RequestsPerEvent {
        Projector counted(String name) {
            DynamoDbEventStore countedStore = DynamoDbEventStore.builder().client(counted).tableName(events).build();
            DynamoDbCheckpointStore countedCheckpoints = DynamoDbCheckpointStore.builder().client(counted)
                    .tableName(readModel).build();
            return Projector.builder(name, countedStore)
                    .transactional(countedCheckpoints, e -> List.of(balanceUpdate(name, e))).build();
        }

        @Test
        void an_in_order_delivery_is_one_transaction_and_no_read() {
            AggregateRef a = AggregateRef.of("wallet", "o-" + UUID.randomUUID());
            List<EventRecord> events = seed(a, 5);
            Projector p = counted("one-request");
            requests.reset();
            for (EventRecord e : events) {
                assertThat(p.handle(e).outcome()).isEqualTo(ProjectionResult.Outcome.APPLIED);
            }
            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 5L));
            assertThat(balanceRow("one-request", a).get("balance").n()).isEqualTo(Long.toString(expected(events)));
        }

        @Test
        void a_duplicate_costs_its_cancelled_transaction_only_and_writes_nothing() {
            AggregateRef a = AggregateRef.of("wallet", "d-" + UUID.randomUUID());
            List<EventRecord> events = seed(a, 3);
            Projector p = counted("duplicates");
            events.forEach(p::handle);
            requests.reset();
            assertThat(p.handle(events.get(1)).outcome()).isEqualTo(ProjectionResult.Outcome.ALREADY_APPLIED);
            assertThat(p.handle(events.get(2)).outcome()).isEqualTo(ProjectionResult.Outcome.ALREADY_APPLIED);
            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 2L));
            assertThat(balanceRow("duplicates", a).get("applied").n()).isEqualTo("3");
            assertThat(checkpoints.lastApplied("duplicates", a)).isEqualTo(3);
        }

        @Test
        void a_gap_is_read_in_one_query_after_the_failed_condition_said_where_the_checkpoint_is() {
            AggregateRef a = AggregateRef.of("wallet", "g-" + UUID.randomUUID());
            List<EventRecord> events = seed(a, 6);
            Projector p = counted("gaps");
            p.handle(events.get(0));
            requests.reset();
            ProjectionResult r = p.handle(events.get(5));
            assertThat(r.applied()).isEqualTo(5);
            assertThat(r.fromStore()).isEqualTo(4);
            // The try at v5, one query for v2..v5, then one transaction per event applied.
            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 6L, "Query", 1L));
            assertThat(balanceRow("gaps", a).get("balance").n()).isEqualTo(Long.toString(expected(events)));
        }
    }

    @Nested
    class Checkpoints {
        @Test
        void each_checkpoint_has_a_partition_of_its_own_keyed_by_projection_and_aggregate() {
            AggregateRef a = AggregateRef.of("wallet", "k-" + UUID.randomUUID());
            AggregateRef b = AggregateRef.of("wallet", "l-" + UUID.randomUUID());
            checkpoints.advance("keys", a, 0, 3);
            checkpoints.advance("keys", a, 3, 4);
            checkpoints.advance("keys", b, 0, 1);
            Map<String, AttributeValue> item = ddb.getItem(g -> g.tableName(readModel).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("PROJ#keys#" + a.pk()), "sk", AttributeValue.fromS("CHECKPOINT")))).item();
            assertThat(item.get("itemType").s()).isEqualTo("checkpoint");
            assertThat(item.get("projection").s()).isEqualTo("keys");
            assertThat(item.get("version").n()).isEqualTo("4");
            assertThat(DynamoDbCheckpointStore.pk("keys", b)).isEqualTo("PROJ#keys#" + b.pk());
            // Nothing left in the old shared partition.
            assertThat(ddb.query(q -> q.tableName(readModel).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("PROJ#keys")))).count()).isZero();
            assertThatThrownBy(() -> checkpoints.advance("keys", a, 3, 5)).isInstanceOf(CheckpointConflictException.class);
        }

        @Test
        void a_projection_name_with_a_hash_is_refused_before_any_request() {
            AggregateRef a = AggregateRef.of("wallet", "h-" + UUID.randomUUID());
            assertThatThrownBy(() -> checkpoints.advance("bal#AGG", a, 0, 1))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("projection"));
            assertThatThrownBy(() -> checkpoints.lastApplied("bal#AGG", a)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void a_checkpoint_version_that_is_not_a_whole_number_is_a_corrupt_item_naming_its_keys() {
            AggregateRef a = AggregateRef.of("wallet", "c-" + UUID.randomUUID());
            Map<String, AttributeValue> key = DynamoDbCheckpointStore.key("corrupt", a);
            for (String bad : List.of("1.5", "-1", "1E10")) {
                putVersion(key, AttributeValue.fromN(bad));
                assertThatThrownBy(() -> checkpoints.lastApplied("corrupt", a))
                        .as(bad).isInstanceOfSatisfying(CorruptItemException.class, e -> {
                            assertThat(e.pk()).isEqualTo("PROJ#corrupt#" + a.pk());
                            assertThat(e.sk()).isEqualTo("CHECKPOINT");
                            assertThat(e.reason()).contains("version");
                        });
            }
            putVersion(key, AttributeValue.fromS("3"));
            assertThatThrownBy(() -> checkpoints.lastApplied("corrupt", a)).isInstanceOf(CorruptItemException.class);
            // Other spellings of a whole number are that number.
            putVersion(key, AttributeValue.fromN("1.0"));
            assertThat(checkpoints.lastApplied("corrupt", a)).isEqualTo(1);
            putVersion(key, AttributeValue.fromN("1E2"));
            assertThat(checkpoints.lastApplied("corrupt", a)).isEqualTo(100);
        }

        void putVersion(Map<String, AttributeValue> key, AttributeValue version) {
            Map<String, AttributeValue> item = new HashMap<>(key);
            item.put("version", version);
            ddb.putItem(p -> p.tableName(readModel).item(item));
        }

        @Test
        void reset_deletes_every_checkpoint_of_one_projection_and_no_other_item() {
            AggregateRef a = AggregateRef.of("wallet", "r-" + UUID.randomUUID());
            AggregateRef b = AggregateRef.of("wallet", "s-" + UUID.randomUUID());
            checkpoints.advance("rebuild", a, 0, 2);
            checkpoints.advance("rebuild", b, 0, 1);
            checkpoints.advance("rebuild2", a, 0, 7);   // a name that starts like the reset one
            checkpoints.advance("other", a, 0, 5);

            assertThat(checkpoints.reset("rebuild")).isEqualTo(2);

            assertThat(checkpoints.lastApplied("rebuild", a)).isZero();
            assertThat(checkpoints.lastApplied("rebuild", b)).isZero();
            assertThat(checkpoints.lastApplied("rebuild2", a)).isEqualTo(7);
            assertThat(checkpoints.lastApplied("other", a)).isEqualTo(5);
            assertThat(checkpoints.reset("rebuild")).isZero();
        }

        @Test
        void a_plain_handler_with_dynamodb_checkpoints_applies_in_order_once() {
            AggregateRef a = AggregateRef.of("wallet", "p-" + UUID.randomUUID());
            List<EventRecord> events = seed(a, 4);
            List<Long> applied = new ArrayList<>();
            Projector p = Projector.builder("plain", store).handler(checkpoints, e -> applied.add(e.version())).build();
            p.handle(events.get(2));
            p.handle(events.get(0));
            p.handle(events.get(3));
            p.handle(events.get(3));
            assertThat(applied).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    static List<EventRecord> concat(List<EventRecord> a, List<EventRecord> b) {
        List<EventRecord> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
