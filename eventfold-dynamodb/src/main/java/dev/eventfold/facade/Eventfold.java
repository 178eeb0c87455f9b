package dev.eventfold.facade;

import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.store.EventStore;
import java.util.List;
import java.util.Objects;

/**
 * The static entry point that mirrors the reference runtime ({@code init}, {@code getEventService},
 * {@code dispatchEvent}, {@code dispatchEvents}, {@code createDispatch}). It holds one
 * {@link DynamoDbEventStore} and one {@link Dispatcher} and only delegates to them: code that
 * prefers injection (tests, DI containers) builds those instances itself and never touches this.
 *
 * <pre>{@code
 * Eventfold.init(EventfoldConfig.of("events"));           // once, at startup
 * Eventfold.dispatchEvent(EventSpec.of("wallet", "wal_123", "Wallet.Funded", Map.of("amount", 5000)));
 * WalletEvents wallet = Eventfold.domain(WalletEvents.class);
 * wallet.funded("wal_123", 5000);
 * }</pre>
 */
public final class Eventfold {
    private static final String NOT_INITIALISED = "Eventfold is not initialised: call Eventfold.init(EventfoldConfig)"
            + " once at startup (or build a DynamoDbEventStore and a Dispatcher yourself and use those)";

    /** The only mutable static of the library: what init() set up. */
    private static volatile Instance instance;

    private Eventfold() {
    }

    /**
     * Builds the store and dispatcher from {@code config}; the DynamoDB client (when not given) is
     * created on the first request, not here. Calling it again replaces the previous set-up.
     *
     * @return the dispatcher now behind the static methods
     */
    public static Dispatcher init(EventfoldConfig config) {
        Objects.requireNonNull(config, "config");
        DynamoDbEventStore store = config.newStore();
        Dispatcher dispatcher = config.newDispatcher(store);
        Instance previous;
        synchronized (Eventfold.class) {
            previous = instance;
            instance = new Instance(store, dispatcher);
        }
        if (previous != null) {
            previous.close();
        }
        return dispatcher;
    }

    public static boolean isInitialised() {
        return instance != null;
    }

    /** Forgets what {@link #init} set up (its dispatcher's threads stop); for tests and shutdown. */
    public static void reset() {
        Instance previous;
        synchronized (Eventfold.class) {
            previous = instance;
            instance = null;
        }
        if (previous != null) {
            previous.close();
        }
    }

    /** The event store (the reference's {@code getEventService()}). */
    public static EventStore eventService() {
        return current().store;
    }

    public static Dispatcher dispatcher() {
        return current().dispatcher;
    }

    public static DispatchResult dispatchEvent(EventSpec event) {
        return dispatcher().dispatchEvent(event);
    }

    public static DispatchResult dispatchEvent(String aggregateType, String aggregateId, String eventType, Object payload) {
        return dispatcher().dispatchEvent(aggregateType, aggregateId, eventType, payload);
    }

    public static List<DispatchResult> dispatchEvents(List<EventSpec> events) {
        return dispatcher().dispatchEvents(events);
    }

    public static List<DispatchResult> dispatchEvents(List<EventSpec> events, boolean inOrder) {
        return dispatcher().dispatchEvents(events, inOrder);
    }

    /** A typed domain dispatcher on the facade's dispatcher (the reference's {@code createDispatch}). */
    public static <T> T domain(Class<T> type) {
        return DomainDispatchers.create(type, dispatcher());
    }

    private static Instance current() {
        Instance i = instance;
        if (i == null) {
            throw new IllegalStateException(NOT_INITIALISED);
        }
        return i;
    }

    private record Instance(DynamoDbEventStore store, Dispatcher dispatcher) {
        /** Stops the dispatcher's threads and closes the DynamoDB client the store built (an injected one stays open). */
        void close() {
            dispatcher.close();
            store.close();
        }
    }
}
