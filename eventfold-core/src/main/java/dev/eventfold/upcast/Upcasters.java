package dev.eventfold.upcast;

import dev.eventfold.internal.Checks;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The registered upcasters: per event type, a chain of steps {@code n -> n + 1}. Reading an event
 * through {@link #upcast(EventRecord)} runs every step from its stored schema version to the
 * type's latest, so handlers only ever see the latest shape; the stored item never changes.
 *
 * <pre>{@code
 * Upcasters upcasters = Upcasters.builder()
 *     .register("Wallet.Funded", 1, Upcasters::centsToAmount)   // 1 -> 2
 *     .register("Wallet.Funded", 2, Upcasters::addCurrency)     // 2 -> 3
 *     .build();
 * EventStore reads = new UpcastingEventStore(store, upcasters);
 * }</pre>
 *
 * <p>A chain must have no gap: registering steps from 1 and 3 without one from 2 fails at
 * {@link Builder#build()}, before any event is read; so does registering one step twice.
 * Events newer than the latest known version (written by a newer service) and events of types
 * with no upcasters pass unchanged.
 */
public final class Upcasters {
    private static final Upcasters NONE = new Upcasters(Map.of());

    /** eventType -> (from schema version -> step). */
    private final Map<String, TreeMap<Integer, Upcaster>> chains;

    private Upcasters(Map<String, TreeMap<Integer, Upcaster>> chains) {
        this.chains = chains;
    }

    public static Upcasters none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The schema version events of this type are brought to; empty when it has no upcasters. */
    public OptionalInt latestVersion(String eventType) {
        TreeMap<Integer, Upcaster> chain = chains.get(eventType);
        return chain == null ? OptionalInt.empty() : OptionalInt.of(chain.lastKey() + 1);
    }

    /** The event in its type's latest shape; the same instance when nothing applies. */
    public EventRecord upcast(EventRecord event) {
        TreeMap<Integer, Upcaster> chain = chains.get(event.eventType());
        if (chain == null) {
            return event;
        }
        int latest = chain.lastKey() + 1;
        int version = event.schemaVersion();
        if (version >= latest) {
            return event;
        }
        if (version < chain.firstKey()) {
            throw new UpcastFailedException(event.eventType(), version, event.eventId(),
                    "no upcaster from schema " + version + " (the chain starts at " + chain.firstKey() + ")", null);
        }
        JsonNode payload = event.payload();
        for (; version < latest; version++) {
            try {
                payload = Objects.requireNonNull(chain.get(version).upcast(payload), "upcaster returned null");
            } catch (RuntimeException e) {
                throw new UpcastFailedException(event.eventType(), version, event.eventId(),
                        e.getClass().getSimpleName(), e);
            }
        }
        return event.withPayload(latest, payload);
    }

    /** {@link #upcast(EventRecord)} as a function, for a listener or any stream of events. */
    public UnaryOperator<EventRecord> asFunction() {
        return this::upcast;
    }

    public boolean isEmpty() {
        return chains.isEmpty();
    }

    /** Collects steps; {@link #build()} checks every chain. */
    public static final class Builder {
        private final Map<String, TreeMap<Integer, Upcaster>> chains = new HashMap<>();

        private Builder() {
        }

        /**
         * The step that turns {@code eventType} payloads of {@code fromSchemaVersion} into
         * {@code fromSchemaVersion + 1}.
         */
        public Builder register(String eventType, int fromSchemaVersion, Upcaster step) {
            Keys.requireNonBlank("eventType", eventType);
            Checks.notNull(step, "step");
            if (fromSchemaVersion < 1) {
                throw new InvalidInputException("fromSchemaVersion", "must be at least 1, was " + fromSchemaVersion);
            }
            Upcaster previous = chains.computeIfAbsent(eventType, t -> new TreeMap<>()).putIfAbsent(fromSchemaVersion, step);
            if (previous != null) {
                throw new InvalidInputException("fromSchemaVersion", eventType + " already has an upcaster from schema "
                        + fromSchemaVersion);
            }
            return this;
        }

        /** @throws InvalidInputException a chain with a gap, naming the type and the missing step */
        public Upcasters build() {
            Map<String, TreeMap<Integer, Upcaster>> copy = new HashMap<>();
            for (Map.Entry<String, TreeMap<Integer, Upcaster>> e : chains.entrySet()) {
                int expected = e.getValue().firstKey();
                for (int from : e.getValue().keySet()) {
                    if (from != expected) {
                        throw new InvalidInputException("upcasters", e.getKey() + " has no upcaster from schema "
                                + expected + " (registered: " + e.getValue().keySet() + ")");
                    }
                    expected++;
                }
                copy.put(e.getKey(), new TreeMap<>(e.getValue()));
            }
            return new Upcasters(Collections.unmodifiableMap(copy));
        }
    }

    @Override
    public String toString() {
        Map<String, Integer> latest = new TreeMap<>();
        chains.forEach((t, c) -> latest.put(t, c.lastKey() + 1));
        return "Upcasters" + latest;
    }

    /** For tests and tools: the steps of one type, if any. */
    Optional<Map<Integer, Upcaster>> chain(String eventType) {
        return Optional.ofNullable(chains.get(eventType)).map(Collections::unmodifiableMap);
    }
}
