package dev.eventfold.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Supplier;

/**
 * Lets a payload be validated once per dispatch. An {@code EventSpec} or {@code DecidedEvent}
 * validates its payload into a private storable copy when it is built; when the dispatcher or the
 * command handler turns it into a {@code NewEvent}, it hands over that very copy inside
 * {@link #trusting}, and the {@code NewEvent} constructor, which otherwise validates and copies
 * every payload, takes it as it is. Only the identical node, only on this thread, only for the
 * duration of the call: any other payload is validated as usual.
 */
public final class StorablePayloads {
    private static final ThreadLocal<JsonNode> TRUSTED = new ThreadLocal<>();

    private StorablePayloads() {
    }

    /** Runs {@code body} with {@code storableCopy} (a private copy made by {@code EventJson.storable}) trusted. */
    public static <T> T trusting(JsonNode storableCopy, Supplier<T> body) {
        JsonNode previous = TRUSTED.get();
        TRUSTED.set(storableCopy);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                TRUSTED.remove();
            } else {
                TRUSTED.set(previous);
            }
        }
    }

    /** True when {@code payload} is the very node the current {@link #trusting} call vouches for. */
    public static boolean isTrusted(JsonNode payload) {
        JsonNode trusted = TRUSTED.get();
        return trusted != null && trusted == payload;
    }
}
