package dev.eventfold.id;

/**
 * Makes the event ids a dispatch uses when the caller gives none. Pass your own to a
 * {@code Dispatcher} to control ids in tests.
 *
 * <pre>{@code
 * EventIdGenerator ids = EventIdGenerator.ulid();
 * ids.newEventId(); // "evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2"
 * }</pre>
 */
@FunctionalInterface
public interface EventIdGenerator {

    /** A new, unique event id. */
    String newEventId();

    /** {@code evt-} + a ULID from the process-wide {@link UlidGenerator#shared() generator}. */
    static EventIdGenerator ulid() {
        return () -> UlidGenerator.shared().nextEventId();
    }

    /** {@code evt-} + a ULID from the given generator. */
    static EventIdGenerator ulid(UlidGenerator generator) {
        java.util.Objects.requireNonNull(generator, "generator");
        return generator::nextEventId;
    }
}
