package dev.eventfold.dynamodb.scan;

import dev.eventfold.dynamodb.internal.ParallelScan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.replay.ScanFilter;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbScanSourceTest {
    DynamoDbClient ddb;
    String table;

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        ddb = aws.dynamoDb();
        table = AwsTestEnvironment.uniqueName("scan");
        EventTable.create(ddb, table);
        DynamoDbEventStore store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
        for (int agg = 0; agg < 6; agg++) {
            AggregateRef ref = AggregateRef.of("wallet", "w" + agg);
            for (int v = 1; v <= 3; v++) {
                store.appendEvent(ref, v - 1, NewEvent.builder().eventId("w" + agg + "-" + v)
                        .eventType(v == 1 ? "Wallet.Opened" : "Wallet.Funded").payload(Map.of("n", v)).build());
            }
        }
    }

    @Test
    void segments_together_return_every_item_once_page_by_page() {
        DynamoDbScanSource source = DynamoDbScanSource.builder().client(ddb).tableName(table).pageLimit(4).consistentRead(true).build();
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        long n = ParallelScan.forEach(source, 3, ScanFilter.ALL_ITEMS, i -> keys.add(i.get("pk").asText() + "|" + i.get("sk").asText()));
        assertThat(n).isEqualTo(42); // 6 aggregates x (3 events + head + 3 idempotency records)
        assertThat(keys).doesNotHaveDuplicates().hasSize(42)
                .contains("AGG#wallet#w0|HEAD", "AGG#wallet#w5|EVT#000000003", "AGG#wallet#w2|IDEM#w2-3");
    }

    @Test
    void a_filter_keeps_events_of_the_given_types() {
        DynamoDbScanSource source = DynamoDbScanSource.builder().client(ddb).tableName(table).build();
        List<ObjectNode> items = new ArrayList<>();
        ParallelScan.forEach(source, 1, new ScanFilter(true, Set.of("Wallet.Opened")), items::add);
        assertThat(items).hasSize(6).allSatisfy(i -> {
            assertThat(i.get("eventType").asText()).isEqualTo("Wallet.Opened");
            assertThat(i.get("version").isIntegralNumber()).isTrue();
        });
    }

    @Test
    void a_cursor_continues_a_segment_and_a_foreign_cursor_is_refused() {
        DynamoDbScanSource source = DynamoDbScanSource.builder().client(ddb).tableName(table).pageLimit(5).build();
        Page<ObjectNode> first = source.scan(0, 1, null, ScanFilter.ALL_ITEMS);
        assertThat(first.data()).hasSize(5);
        assertThat(first.hasMore()).isTrue();
        Page<ObjectNode> second = source.scan(0, 1, first.cursor(), ScanFilter.ALL_ITEMS);
        assertThat(second.data()).doesNotContainAnyElementsOf(first.data());
        assertThatThrownBy(() -> source.scan(0, 1, "nope", ScanFilter.ALL_ITEMS)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> source.scan(2, 2, null, ScanFilter.ALL_ITEMS)).isInstanceOf(InvalidInputException.class);
    }
}
