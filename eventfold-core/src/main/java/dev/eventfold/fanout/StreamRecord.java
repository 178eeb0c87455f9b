package dev.eventfold.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of the table's stream as the fan-out needs it, free of any AWS type: the Lambda
 * adapter and the local runner turn their stream records' {@code NewImage} into plain JSON.
 *
 * @param sequenceNumber the stream's sequence number, reported back for a partial failure
 * @param eventName      {@code INSERT}, {@code MODIFY} or {@code REMOVE}
 * @param newImage       the item after the change as plain JSON; empty for REMOVE
 */
public record StreamRecord(String sequenceNumber, String eventName, Optional<ObjectNode> newImage) {
    public static final String INSERT = "INSERT";

    public StreamRecord {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(newImage, "newImage");
    }

    public static StreamRecord insert(String sequenceNumber, ObjectNode newImage) {
        return new StreamRecord(sequenceNumber, INSERT, Optional.of(newImage));
    }

    @Override
    public String toString() {
        return "StreamRecord[" + eventName + " " + sequenceNumber + "]";
    }
}
