package dev.eventfold.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.Page;

/**
 * A table read in parallel segments, item by item, as plain JSON (the form of
 * {@code AttributeValues.toJson}). {@code DynamoDbScanSource} implements it with Scan's
 * {@code Segment}/{@code TotalSegments}; the replay's type-and-time selector and the integrity
 * check of a whole table read through it.
 *
 * <p>Within a segment, items of one partition come in sort-key order (DynamoDB assigns a whole
 * partition key to one segment), so an aggregate's events are replayed in version order.
 */
public interface ScanSource {

    /**
     * One page of one segment.
     *
     * @param segment       0-based, below {@code totalSegments}
     * @param cursor        a previous page's cursor for this segment, or null to start the segment
     * @return items and the cursor of the next page (null at the segment's end)
     */
    Page<ObjectNode> scan(int segment, int totalSegments, String cursor, ScanFilter filter);

    /** A name for reports, e.g. the table name. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
