package dev.eventfold.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.json.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The worked examples of the wire contract ({@code shared/spec/vectors}), copied into this
 * module's resources so tests run from a plain checkout. {@code WireVectorsTest} checks the
 * copies still equal the originals whenever {@code shared/} sits beside the repository.
 */
public final class WireVectors {
    public static final String EVENT_ITEM = "event-item.ddb.json";
    public static final String EVENT_MESSAGE = "event-message.json";
    public static final String FANOUT_ENTRIES = "fanout-entries.json";
    public static final String HEAD_ITEM = "head-item.written-by-reference.ddb.json";
    public static final String KEYS = "keys.json";

    private WireVectors() {
    }

    public static String text(String name) {
        try (InputStream in = WireVectors.class.getResourceAsStream("vectors/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no wire vector " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        return EventJson.parse(text(name));
    }
}
