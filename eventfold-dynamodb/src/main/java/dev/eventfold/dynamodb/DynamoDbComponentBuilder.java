package dev.eventfold.dynamodb;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.internal.Checks;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every builder of a DynamoDB component (snapshot store, checkpoint store, scan source,
 * integrity check) takes first: a table and a client, given one by one or as a whole
 * {@link DynamoDbSettings} (for example an event store's, to share its client).
 *
 * <pre>{@code
 * DynamoDbSnapshotStore snapshots = DynamoDbSnapshotStore.builder().settings(store.settings()).build();
 * DynamoDbCheckpointStore checkpoints = DynamoDbCheckpointStore.builder().client(ddb).tableName("read-model").build();
 * }</pre>
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class DynamoDbComponentBuilder<B extends DynamoDbComponentBuilder<B>> {
    private DynamoDbSettings.Builder settings = DynamoDbSettings.builder();
    private boolean clientGiven; // a client, or settings (which may build one)

    protected DynamoDbComponentBuilder() {
    }

    /**
     * The table and the client; {@link DynamoDbEventStore#settings()} shares the event store's.
     * Replaces what the shortcuts set before; shortcuts called after change it.
     */
    public B settings(DynamoDbSettings v) {
        this.settings = DynamoDbSettings.from(Checks.notNull(v, "settings"));
        this.clientGiven = true;
        return self();
    }

    /** A client you built and own: never closed here. */
    public B client(DynamoDbClient v) {
        settings.client(v);
        this.clientGiven = true;
        return self();
    }

    public B tableName(String v) {
        settings.tableName(v);
        return self();
    }

    /**
     * The settings this builder was given, checked: for the component's {@code build()}.
     *
     * @throws InvalidInputException no client or settings, or no table name
     */
    protected DynamoDbSettings buildSettings() {
        if (!clientGiven) {
            throw new InvalidInputException("client", "must be set");
        }
        return settings.build(); // checks tableName
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
