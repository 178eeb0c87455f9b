package dev.eventfold.aws;

import dev.eventfold.fanout.FanOutOutcome;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.fanout.StreamRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a table's stream as a Lambda event source mapping does and feeds a {@link StreamFanOut}:
 * DescribeStream for the shards (a child shard only once its parent is finished, so that an
 * item's changes stay in order), GetShardIterator, then GetRecords batches. A partial failure is
 * honoured: the shard resumes at the first record not delivered everywhere, and the records before
 * it are not read again. Not thread-safe: one poller thread.
 *
 * <pre>{@code
 * StreamPoller poller = new StreamPoller(streams, streamArn, fanOut, ShardIteratorType.TRIM_HORIZON, 100);
 * while (running) { if (poller.pollOnce() == 0) Thread.sleep(200); }
 * }</pre>
 */
public final class StreamPoller {
    private static final Logger log = LoggerFactory.getLogger(StreamPoller.class);

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final StreamFanOut fanOut;
    private final ShardIteratorType start;
    private final int batchSize;
    private final Map<String, ShardState> shards = new HashMap<>();

    /** Where one shard is: an iterator, or a position to get one for. */
    private static final class ShardState {
        final String parent;
        String iterator;
        ShardIteratorType resumeType;
        String resumeSequence;
        boolean finished;

        ShardState(String parent) {
            this.parent = parent;
        }
    }

    /**
     * @param start     where to begin in a shard seen for the first time: TRIM_HORIZON or LATEST
     * @param batchSize GetRecords limit, 1 to 1000 (Lambda's default batch is 100)
     */
    public StreamPoller(DynamoDbStreamsClient streams, String streamArn, StreamFanOut fanOut, ShardIteratorType start,
                        int batchSize) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.streamArn = Objects.requireNonNull(streamArn, "streamArn");
        this.fanOut = Objects.requireNonNull(fanOut, "fanOut");
        if (start != ShardIteratorType.TRIM_HORIZON && start != ShardIteratorType.LATEST) {
            throw new IllegalArgumentException("start must be TRIM_HORIZON or LATEST");
        }
        this.start = start;
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("batchSize must be 1..1000, was " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** One round over every readable shard; returns how many stream records were read. */
    public int pollOnce() {
        refreshShards();
        int read = 0;
        for (Map.Entry<String, ShardState> e : new ArrayList<>(shards.entrySet())) {
            ShardState s = e.getValue();
            if (s.finished || (s.parent != null && shards.containsKey(s.parent) && !shards.get(s.parent).finished)) {
                continue;
            }
            read += pollShard(e.getKey(), s);
        }
        return read;
    }

    private void refreshShards() {
        String after = null;
        do {
            String exclusiveStart = after;
            StreamDescription d = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            for (Shard shard : d.shards()) {
                shards.computeIfAbsent(shard.shardId(), id -> {
                    ShardState s = new ShardState(shard.parentShardId());
                    // A child of a shard we read from its start is read from its start too.
                    s.resumeType = shard.parentShardId() != null ? ShardIteratorType.TRIM_HORIZON : start;
                    return s;
                });
            }
            after = d.lastEvaluatedShardId();
        } while (after != null);
    }

    private int pollShard(String shardId, ShardState s) {
        if (s.iterator == null) {
            s.iterator = streams.getShardIterator(r -> {
                r.streamArn(streamArn).shardId(shardId).shardIteratorType(s.resumeType);
                if (s.resumeSequence != null) {
                    r.sequenceNumber(s.resumeSequence);
                }
            }).shardIterator();
        }
        GetRecordsResponse response;
        try {
            response = streams.getRecords(r -> r.shardIterator(s.iterator).limit(batchSize));
        } catch (ExpiredIteratorException e) {
            s.iterator = null; // fetched again next round from the saved position
            return 0;
        }
        List<Record> records = response.records();
        if (!records.isEmpty()) {
            List<StreamRecord> batch = records.stream().map(StreamRecords::of).toList();
            FanOutOutcome outcome = fanOut.handle(batch);
            if (!outcome.allDelivered()) {
                String failed = outcome.firstFailedSequenceNumber().get();
                log.warn("shard {}: fan-out failed at sequence {}; resuming there", shardId, failed);
                s.iterator = null;
                s.resumeType = ShardIteratorType.AT_SEQUENCE_NUMBER;
                s.resumeSequence = failed;
                return records.size();
            }
            s.resumeType = ShardIteratorType.AFTER_SEQUENCE_NUMBER;
            s.resumeSequence = records.get(records.size() - 1).dynamodb().sequenceNumber();
        }
        s.iterator = response.nextShardIterator();
        if (s.iterator == null) {
            s.finished = true; // a closed shard, read to its end
        }
        return records.size();
    }
}
