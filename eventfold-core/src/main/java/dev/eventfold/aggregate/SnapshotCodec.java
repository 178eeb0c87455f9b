package dev.eventfold.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import java.util.Objects;

/**
 * Turns an aggregate's state into the JSON a snapshot stores, and back. {@link #schemaVersion()}
 * is stored with every snapshot: bump it when the state's shape changes, and snapshots of the
 * old shape are ignored (the state is folded from the events instead) rather than misread.
 *
 * <pre>{@code
 * SnapshotCodec<Wallet> codec = SnapshotCodec.jackson(Wallet.class, 1);
 * }</pre>
 */
public interface SnapshotCodec<S> {

    JsonNode encode(S state);

    S decode(JsonNode json);

    /** The shape of the state this codec reads and writes; 1 unless overridden. */
    default int schemaVersion() {
        return 1;
    }

    /** Records and POJOs through the library's mapper (exact decimals, java.time). */
    static <S> SnapshotCodec<S> jackson(Class<S> stateType, int schemaVersion) {
        Objects.requireNonNull(stateType, "stateType");
        if (schemaVersion < 1) {
            throw new InvalidInputException("schemaVersion", "must be at least 1, was " + schemaVersion);
        }
        return new SnapshotCodec<>() {
            @Override
            public JsonNode encode(S state) {
                return EventJson.toPayload(state);
            }

            @Override
            public S decode(JsonNode json) {
                return EventJson.payloadAs(json, stateType);
            }

            @Override
            public int schemaVersion() {
                return schemaVersion;
            }
        };
    }
}
