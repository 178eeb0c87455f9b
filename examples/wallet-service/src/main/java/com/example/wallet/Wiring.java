package com.example.wallet;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.DynamoDbSettings;
import dev.eventfold.dynamodb.projection.DynamoDbCheckpointStore;
import dev.eventfold.projection.Projector;
import dev.eventfold.store.EventStore;
import java.util.Map;

/**
 * Builds the handlers' parts from the function's environment ({@code template.yaml} sets it):
 * {@value #EVENT_TABLE_NAME}, and {@value #READ_MODEL_TABLE_NAME} for the projection. A missing
 * variable fails the function's init, naming it.
 *
 * <p>Nothing here connects: one DynamoDB client, shared by both tables' components, is built on
 * the first request (region and credentials from the function's environment), so the init is
 * short and a SnapStart snapshot holds no client and no open connection. No static field holds
 * a client: a test gives the handlers what it wants through their other constructor.
 */
public final class Wiring {
    public static final String EVENT_TABLE_NAME = "EVENT_TABLE_NAME";
    public static final String READ_MODEL_TABLE_NAME = "READ_MODEL_TABLE_NAME";

    private final Map<String, String> env;
    private final DynamoDbSettings events;

    private Wiring(Map<String, String> env, DynamoDbSettings events) {
        this.env = Map.copyOf(env);
        this.events = events;
    }

    /** For the functions: {@code System.getenv()}, and a client built from the SDK's defaults on first use. */
    public static Wiring fromEnvironment() {
        return of(System.getenv(), DynamoDbSettings.builder());
    }

    /**
     * @param env        the variables, by name: {@value #EVENT_TABLE_NAME} for every part,
     *                   {@value #READ_MODEL_TABLE_NAME} for the projection's
     * @param connection where the client comes from: a builder without a client builds one on
     *                   first use; with {@code .client(...)} (tests, an emulator) that client is used
     */
    public static Wiring of(Map<String, String> env, DynamoDbSettings.Builder connection) {
        return new Wiring(env, connection.tableName(required(env, EVENT_TABLE_NAME)).build());
    }

    public Dispatcher dispatcher() {
        return Dispatcher.of(eventStore());
    }

    public Projector balanceProjector() {
        DynamoDbSettings readModel = readModel();
        DynamoDbCheckpointStore checkpoints = DynamoDbCheckpointStore.builder().settings(readModel).build();
        return BalanceProjection.projector(eventStore(), checkpoints, new BalanceTable(readModel)::update);
    }

    public BalanceTable balanceTable() {
        return new BalanceTable(readModel());
    }

    private EventStore eventStore() {
        return DynamoDbEventStore.builder().settings(events).build();
    }

    /** from(events): another table, the same client (the projection's transaction spans nothing else). */
    private DynamoDbSettings readModel() {
        return DynamoDbSettings.from(events).tableName(required(env, READ_MODEL_TABLE_NAME)).build();
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(name, "environment variable not set: the function's template sets it");
        }
        return value;
    }
}
