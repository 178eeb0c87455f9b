package dev.eventfold.aggregate;

import dev.eventfold.spi.wire.Attributes;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;

/**
 * An aggregate's state as of one version, encoded as JSON. Stored beside the aggregate's
 * events under its own sort-key prefix ({@code SNAP#}), never as an event.
 *
 * @param version             the aggregate version the state includes (every event up to it)
 * @param stateSchemaVersion  the {@link SnapshotCodec#schemaVersion()} that encoded {@code state}
 * @param takenAt             ISO-8601 UTC, informative
 */
public record Snapshot(AggregateRef aggregate, long version, int stateSchemaVersion, JsonNode state,
                       String takenAt) {
    /** Sort-key prefix of snapshot items: never {@code EVT#}, so event listings skip them. */
    public static final String SK_PREFIX = Keys.SNAPSHOT_SK_PREFIX;
    /** {@code itemType} of snapshot items: the stream fan-out only forwards {@code event}. */
    public static final String ITEM_TYPE = Attributes.ITEM_TYPE_SNAPSHOT;

    public Snapshot {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        Keys.requireVersion("version", version);
        if (stateSchemaVersion < 1) {
            throw new InvalidInputException("stateSchemaVersion", "must be at least 1, was " + stateSchemaVersion);
        }
        if (state == null || state.isMissingNode()) {
            throw new InvalidInputException("state", "must not be missing");
        }
    }

    /** {@code SNAP#000000042}: the 9-digit pad sorts snapshots by version, like events. */
    public static String sk(long version) {
        return SK_PREFIX + Keys.eventSk(version).substring(Keys.EVENT_SK_PREFIX.length());
    }

    public String sk() {
        return sk(version);
    }

    @Override
    public String toString() {
        return "Snapshot[" + aggregate + " v" + version + " schema " + stateSchemaVersion + "]";
    }
}
