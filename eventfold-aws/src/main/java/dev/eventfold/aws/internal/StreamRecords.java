package dev.eventfold.aws.internal;

import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.fanout.StreamRecord;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** Turns DynamoDB Streams records (SDK v2) into the fan-out's AWS-free {@link StreamRecord}. */
public final class StreamRecords {
    private StreamRecords() {
    }

    public static StreamRecord of(Record r) {
        var change = r.dynamodb();
        return new StreamRecord(change.sequenceNumber(), r.eventNameAsString(),
                change.hasNewImage() ? Optional.of(AttributeValues.toJson(change.newImage())) : Optional.empty());
    }
}
