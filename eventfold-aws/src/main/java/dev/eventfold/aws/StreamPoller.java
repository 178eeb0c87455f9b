package dev.eventfold.aws;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.aws.internal.StreamRecords;
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
 * StreamPoller poller = new StreamPoller(streams, streamArn, fanOut, ShardIteratorType.LATEST, 100).open();
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
    private boolean described;

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
     * @param start     where to begin in every shard of the stream's first description: TRIM_HORIZON
     *                  or LATEST (a closed shard is then skipped); shards that appear later are
     *                  read from their start. The position is taken by {@link #open()}, or else by
     *                  the first {@link #pollOnce()}
     * @param batchSize GetRecords limit, 1 to 1000 (Lambda's default batch is 100)
     */
    public StreamPoller(DynamoDbStreamsClient streams, String streamArn, StreamFanOut fanOut, ShardIteratorType start,
                        int batchSize) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.streamArn = Objects.requireNonNull(streamArn, "streamArn");
        this.fanOut = Objects.requireNonNull(fanOut, "fanOut");
        if (start != ShardIteratorType.TRIM_HORIZON && start != ShardIteratorType.LATEST) {
            throw new InvalidInputException("start", "must be TRIM_HORIZON or LATEST, was " + start);
        }
        this.start = start;
        if (batchSize < 1 || batchSize > 1000) {
            throw new InvalidInputException("batchSize", "must be 1..1000, was " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** One round over every readable shard; returns how many stream records were read. */
    public int pollOnce() {
        refreshShards();
        int read = 0;
        for (Map.Entry<String, ShardState> e : new ArrayList<>(shards.entrySet())) {
            if (readable(e.getValue())) {
                read += pollShard(e.getKey(), e.getValue());
            }
        }
        return read;
    }

    /**
     * Takes the starting position now rather than at the first poll: describes the stream and
     * gets an iterator for every shard that can be read. With LATEST, records written after this
     * call are read and none before it. Returns this poller.
     */
    public StreamPoller open() {
        refreshShards();
        for (Map.Entry<String, ShardState> e : shards.entrySet()) {
            if (readable(e.getValue()) && e.getValue().iterator == null) {
                e.getValue().iterator = iterator(e.getKey(), e.getValue());
            }
        }
        return this;
    }

    private boolean readable(ShardState s) {
        return !s.finished && (s.parent == null || !shards.containsKey(s.parent) || shards.get(s.parent).finished);
    }

    private void refreshShards() {
        // Shards of the first description start where asked; shards that appear later are new
        // children (splits) whose every record is after the start, so they are read from their start.
        boolean first = !described;
        String after = null;
        do {
            String exclusiveStart = after;
            StreamDescription d = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            for (Shard shard : d.shards()) {
                shards.computeIfAbsent(shard.shardId(), id -> {
                    ShardState s = new ShardState(shard.parentShardId());
                    s.resumeType = first ? start : ShardIteratorType.TRIM_HORIZON;
                    boolean closed = shard.sequenceNumberRange() != null
                            && shard.sequenceNumberRange().endingSequenceNumber() != null;
                    // A closed shard has nothing after its latest record.
                    s.finished = first && closed && start == ShardIteratorType.LATEST;
                    return s;
                });
            }
            after = d.lastEvaluatedShardId();
        } while (after != null);
        described = true;
    }

    private String iterator(String shardId, ShardState s) {
        return streams.getShardIterator(r -> {
            r.streamArn(streamArn).shardId(shardId).shardIteratorType(s.resumeType);
            if (s.resumeSequence != null) {
                r.sequenceNumber(s.resumeSequence);
            }
        }).shardIterator();
    }

    private int pollShard(String shardId, ShardState s) {
        if (s.iterator == null) {
            s.iterator = iterator(shardId, s);
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
