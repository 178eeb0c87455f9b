package dev.eventfold.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.fanout.StreamFanOut;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

class StreamPollerTest {

    /**
     * A stream of a fixed shard structure (a real SDK interface, no mocking library): records
     * the iterator requests; GetRecords returns nothing and the same iterator, as an open shard does.
     */
    static final class StubStreams implements DynamoDbStreamsClient {
        final List<Shard> shards = new CopyOnWriteArrayList<>();
        final List<String> iteratorRequests = new CopyOnWriteArrayList<>();

        static Shard shard(String id, String parent, boolean closed) {
            return Shard.builder().shardId(id).parentShardId(parent).sequenceNumberRange(r -> r
                    .startingSequenceNumber("100").endingSequenceNumber(closed ? "200" : null)).build();
        }

        @Override
        public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
            return DescribeStreamResponse.builder().streamDescription(d -> d.streamArn(request.streamArn())
                    .shards(new ArrayList<>(shards))).build();
        }

        @Override
        public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            iteratorRequests.add(request.shardId() + " " + request.shardIteratorType());
            return GetShardIteratorResponse.builder().shardIterator("it-" + request.shardId()).build();
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            return GetRecordsResponse.builder().records(List.of()).nextShardIterator(request.shardIterator()).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    final StubStreams streams = new StubStreams();

    StreamPoller poller(ShardIteratorType start) {
        StreamFanOut nothing = StreamFanOut.builder().build();
        return new StreamPoller(streams, "arn:aws:dynamodb:us-east-1:1:table/t/stream/x", nothing, start, 100);
    }

    @Test
    void with_latest_every_shard_of_the_first_description_starts_at_latest_even_a_child() {
        // A split happened before we started: p (closed) has children c1 and c2 (open); q stands alone.
        streams.shards.addAll(List.of(StubStreams.shard("p", null, true), StubStreams.shard("c1", "p", false),
                StubStreams.shard("c2", "p", false), StubStreams.shard("q", null, false)));
        StreamPoller poller = poller(ShardIteratorType.LATEST).open();

        // The closed parent has nothing after its latest record: not read; the children start at LATEST too.
        assertThat(streams.iteratorRequests).containsExactlyInAnyOrder("c1 LATEST", "c2 LATEST", "q LATEST");
        poller.pollOnce();
        assertThat(streams.iteratorRequests).hasSize(3);
    }

    @Test
    void a_shard_that_appears_later_is_read_from_its_start() {
        streams.shards.add(StubStreams.shard("a", null, false));
        StreamPoller poller = poller(ShardIteratorType.LATEST);
        poller.pollOnce();
        assertThat(streams.iteratorRequests).containsExactly("a LATEST");

        // A shard described only now holds records written after we started: all of them are read.
        streams.shards.add(StubStreams.shard("x", null, false));
        poller.pollOnce();
        assertThat(streams.iteratorRequests).containsExactly("a LATEST", "x TRIM_HORIZON");
    }

    @Test
    void with_trim_horizon_a_parent_is_read_before_its_children() {
        streams.shards.addAll(List.of(StubStreams.shard("p", null, true), StubStreams.shard("c", "p", false)));
        poller(ShardIteratorType.TRIM_HORIZON).pollOnce();
        // The stub's parent never ends (its iterator does not run out), so the child waits.
        assertThat(streams.iteratorRequests).containsExactly("p TRIM_HORIZON");
    }
}
