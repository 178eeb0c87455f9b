package dev.eventfold.dynamodb.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.listener.BatchOutcome;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.listener.RecordResult;
import dev.eventfold.listener.RecordResult.Status;
import dev.eventfold.reaction.Reactor;
import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.FaultInjector;
import dev.eventfold.testkit.FaultInjector.Fault;
import dev.eventfold.testkit.RequestCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reactions through a listener on moto: redeliveries, concurrent duplicates and a lost response
 * leave each outgoing event in the table once, read back raw.
 */
@ExtendWith(AwsExtension.class)
class ReactionsOnDynamoDbTest {
    static String table;

    final FaultInjector faults = new FaultInjector();
    final RequestCounter requests = new RequestCounter();
    DynamoDbClient ddb;
    Dispatcher dispatcher;
    EventListener listener;
    AggregateRef order;
    AggregateRef stock;
    AggregateRef audit;

    @BeforeAll
    static void createTable(AwsTestEnvironment aws) {
        table = AwsTestEnvironment.uniqueName("reactions");
        EventTable.create(aws.dynamoDb(), table);
    }

    @BeforeEach
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb(faults, requests);
        dispatcher = Dispatcher.of(DynamoDbEventStore.builder().client(ddb).tableName(table).build());
        order = AggregateRef.of("order", AwsTestEnvironment.uniqueName("ord"));
        stock = AggregateRef.of("stock", AwsTestEnvironment.uniqueName("sku"));
        audit = AggregateRef.of("audit", AwsTestEnvironment.uniqueName("day"));
        Reactor reactor = Reactor.builder(dispatcher)
                .on("Order.Placed", "reserve-stock", placed -> List.of(
                        EventSpec.of(stock.aggregateType(), stock.aggregateId(), "Stock.Reserved",
                                Map.of("order", placed.aggregateId(), "qty", placed.payload().get("qty").asInt())),
                        EventSpec.of(audit.aggregateType(), audit.aggregateId(), "Audit.OrderSeen",
                                Map.of("order", placed.aggregateId()))))
                .build();
        listener = EventListener.builder().react(reactor).concurrency(10).build();
    }

    @AfterEach
    void tearDown() {
        dispatcher.close();
        listener.close();
    }

    String placedBody(String eventId) {
        return EventJson.write(EventItems.toItemJson(EventRecord.builder()
                .aggregate(order.aggregateType(), order.aggregateId()).version(1).eventId(eventId)
                .eventType("Order.Placed").occurredAt("2026-12-01T10:00:00.000Z").correlationId("corr-" + eventId)
                .payload(EventJson.mapper().createObjectNode().put("qty", 3)).build()));
    }

    /** Every item of the aggregate, raw: event items (sk EVT#...) and idempotency records (IDEM#...). */
    List<Map<String, AttributeValue>> items(AggregateRef ref) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        ddb.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ref.pk())))).items().forEach(out::add);
        return out;
    }

    List<String> eventIds(AggregateRef ref) {
        return items(ref).stream().filter(i -> i.get("sk").s().startsWith("EVT#")).map(i -> i.get("eventId").s()).toList();
    }

    @Test
    void ten_copies_of_one_event_in_one_batch_handled_concurrently_append_each_reaction_once() {
        String body = placedBody("evt-placed-1");
        List<QueueMessage> copies = IntStream.range(0, 10).mapToObj(i -> QueueMessage.standard("m" + i, body)).toList();

        BatchOutcome out = listener.handle(copies);

        assertThat(out.failedMessageIds()).isEmpty();
        assertThat(out.results()).extracting(RecordResult::status)
                .containsOnly(Status.REACTED, Status.ALREADY_REACTED).contains(Status.REACTED);
        assertThat(eventIds(stock)).containsExactly(Reactor.eventId("reserve-stock", "evt-placed-1", stock, "Stock.Reserved", 0));
        assertThat(eventIds(audit)).containsExactly(Reactor.eventId("reserve-stock", "evt-placed-1", audit, "Audit.OrderSeen", 0));
        Map<String, AttributeValue> head = items(stock).stream().filter(i -> i.get("sk").s().equals(Keys.HEAD_SK))
                .findFirst().orElseThrow();
        assertThat(head.get("currentVersion").n()).isEqualTo("1");
    }

    @Test
    void a_lost_response_then_a_redelivery_after_other_writes_leave_one_event_and_its_record() {
        // The first outgoing append lands, its answer is lost: the dispatcher resends and recognises it.
        faults.next("TransactWriteItems", Fault.LOSE_RESPONSE);
        BatchOutcome first = listener.handle(List.of(QueueMessage.standard("m1", placedBody("evt-placed-2"))));
        dispatcher.dispatchEvent(stock.aggregateType(), stock.aggregateId(), "Stock.Restocked", Map.of("qty", 10));
        requests.reset();
        BatchOutcome again = listener.handle(List.of(QueueMessage.standard("m2", placedBody("evt-placed-2"))));

        // The dispatcher knows both versions: one cancelled transaction per outgoing event, nothing written.
        assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 2L));

        assertThat(faults.injected()).isEqualTo(1);
        assertThat(first.results()).extracting(RecordResult::status).containsExactly(Status.REACTED);
        assertThat(again.results()).extracting(RecordResult::status).containsExactly(Status.ALREADY_REACTED);
        String reserved = Reactor.eventId("reserve-stock", "evt-placed-2", stock, "Stock.Reserved", 0);
        assertThat(eventIds(stock)).hasSize(2).first().isEqualTo(reserved);
        // The reaction's key is the caller's, so the append wrote its idempotency record (ADR 0001).
        assertThat(items(stock)).filteredOn(i -> i.get("sk").s().startsWith("IDEM#"))
                .extracting(i -> i.get("sk").s()).containsExactly("IDEM#rx-" + reserved.substring("evt-".length()));
        assertThat(eventIds(audit)).hasSize(1);
    }
}
