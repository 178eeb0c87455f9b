package dev.eventfold.dynamodb.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.aggregate.Snapshot;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.fanout.FanOutOutcome;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.fanout.StreamRecord;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Snapshot items are written to the event table, so they appear on its stream: the stream fan-out
 * must drop them (only {@code itemType = event} is forwarded). Reads the table's real stream (moto)
 * and feeds every record to a {@link StreamFanOut} with a recording queue publisher.
 */
@ExtendWith(AwsExtension.class)
class SnapshotStreamTest {

    /** Every change on the table's stream since it was created, as the fan-out's records. */
    static List<StreamRecord> streamRecords(DynamoDbClient ddb, DynamoDbStreamsClient streams, String table) {
        String arn = EventTable.latestStreamArn(ddb, table);
        List<StreamRecord> out = new ArrayList<>();
        for (Shard shard : streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards()) {
            String iterator = streams.getShardIterator(g -> g.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String it = iterator;
                var page = streams.getRecords(g -> g.shardIterator(it));
                for (Record r : page.records()) {
                    out.add(new StreamRecord(r.dynamodb().sequenceNumber(), r.eventNameAsString(),
                            r.dynamodb().hasNewImage() ? Optional.of(AttributeValues.toJson(r.dynamodb().newImage()))
                                    : Optional.empty()));
                }
                iterator = page.records().isEmpty() ? null : page.nextShardIterator();
            }
        }
        return out;
    }

    @Test
    void a_snapshot_item_reaches_the_stream_but_never_a_queue(AwsTestEnvironment aws) {
        DynamoDbClient ddb = aws.dynamoDb();
        String table = AwsTestEnvironment.uniqueName("snap-stream");
        EventTable.create(ddb, table);
        DynamoDbEventStore store = DynamoDbEventStore.builder().client(ddb).tableName(table).build();
        AggregateRef ref = AggregateRef.of("wallet", "w-1");
        store.appendEvent(ref, 0, NewEvent.builder().eventId("e-1").eventType("Wallet.Funded").payload(Map.of("amount", 5)).build());
        DynamoDbSnapshotStore.builder().client(ddb).tableName(table).build()
                .save(new Snapshot(ref, 1, 1, EventJson.parse("{\"balance\":5}"), null));
        store.appendEvent(ref, 1, NewEvent.builder().eventId("e-2").eventType("Wallet.Funded").payload(Map.of("amount", 1)).build());

        List<StreamRecord> records = streamRecords(ddb, aws.dynamoDbStreams(), table);
        assertThat(records).as("the snapshot's INSERT is on the stream")
                .anySatisfy(r -> assertThat(r.newImage()).get().satisfies(i -> {
                    assertThat(i.path("itemType").asText()).isEqualTo("snapshot");
                    assertThat(i.path("sk").asText()).isEqualTo("SNAP#000000001");
                }));

        List<QueueEntry> sent = Collections.synchronizedList(new ArrayList<>());
        FanOutOutcome outcome;
        try (StreamFanOut fanOut = StreamFanOut.builder().queues(List.of("https://sqs.test/q"))
                .queuePublisher((url, entries) -> {
                    sent.addAll(entries);
                    return List.of();
                }).build()) {
            outcome = fanOut.handle(records);
        }

        assertThat(outcome.allDelivered()).isTrue();
        assertThat(outcome.events()).isEqualTo(2);
        List<JsonNode> bodies = sent.stream().map(e -> EventJson.parse(e.body())).toList();
        assertThat(bodies).extracting(b -> b.get("eventId").asText()).containsExactly("e-1", "e-2");
        assertThat(bodies).allSatisfy(b -> assertThat(b.get("itemType").asText()).isEqualTo("event"));
    }
}
