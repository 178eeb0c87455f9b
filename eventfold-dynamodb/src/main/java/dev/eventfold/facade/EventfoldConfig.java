package dev.eventfold.facade;

import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.store.InMemoryEventStore;
import dev.eventfold.store.EventStore;
import java.util.function.Consumer;
import java.util.List;
import java.util.ArrayList;
import dev.eventfold.internal.Checks;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.RetryPolicy;
import dev.eventfold.dynamodb.DynamoDbSettings;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What {@link Eventfold#init(EventfoldConfig)} needs: the store's {@link DynamoDbSettings} (the
 * event table, and either a DynamoDB client or the settings to build one on first use), and the
 * options of the store's and the dispatcher's own builders, applied to them as given (no copies of
 * their fields here: whatever {@link DynamoDbEventStore.Builder} and {@link Dispatcher.Builder} offer).
 *
 * <pre>{@code
 * Eventfold.init(EventfoldConfig.builder().tableName("events").region(Region.EU_WEST_1).build());
 * Eventfold.init(EventfoldConfig.builder().settings(DynamoDbSettings.of(dynamoDb, "events"))
 *     .store(s -> s.idempotencyRecords(IdempotencyRecords.ALWAYS))
 *     .dispatcher(d -> d.retryPolicy(RetryPolicy.custom().timeBudget(Duration.ofSeconds(5)).build()))
 *     .build());
 * }</pre>
 */
public final class EventfoldConfig {
    private final DynamoDbSettings settings;
    private final List<Consumer<DynamoDbEventStore.Builder>> store;
    private final List<Consumer<Dispatcher.Builder>> dispatcher;

    private EventfoldConfig(Builder b, DynamoDbSettings settings) {
        this.settings = settings;
        this.store = List.copyOf(b.store);
        this.dispatcher = List.copyOf(b.dispatcher);
    }

    /** The reference runtime's {@code init({ tableName })}. */
    public static EventfoldConfig of(String tableName) {
        return builder().tableName(tableName).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The event table and the client of the store. */
    public DynamoDbSettings settings() {
        return settings;
    }

    public String tableName() {
        return settings.tableName();
    }

    /** The client given, if one was (otherwise the store builds one from the settings). */
    public Optional<DynamoDbClient> client() {
        return settings.givenClient();
    }

    public Optional<Region> region() {
        return settings.region();
    }

    public Optional<URI> endpoint() {
        return settings.endpoint();
    }

    public Optional<AwsCredentialsProvider> credentials() {
        return settings.credentials();
    }

    /** The store these settings and options make. */
    DynamoDbEventStore newStore() {
        DynamoDbEventStore.Builder b = DynamoDbEventStore.builder().settings(settings);
        store.forEach(option -> option.accept(b));
        return b.build();
    }

    /** The dispatcher these options make over {@code eventStore}. */
    Dispatcher newDispatcher(EventStore eventStore) {
        Dispatcher.Builder b = Dispatcher.builder(eventStore);
        dispatcher.forEach(option -> option.accept(b));
        return b.build();
    }

    @Override
    public String toString() {
        return "EventfoldConfig[table=" + settings.tableName()
                + (settings.givenClient().isPresent() ? ", client given" : "")
                + settings.region().map(r -> ", region=" + r).orElse("")
                + settings.endpoint().map(e -> ", endpoint=" + e).orElse("") + "]";
    }

    /**
     * Builds an {@link EventfoldConfig}, checked in {@link #build()}. The DynamoDB part is given whole
     * ({@link #settings}) or by the shortcuts {@link #tableName}, {@link #client}, {@link #region},
     * {@link #endpoint}, {@link #credentials}; the store's and the dispatcher's options by
     * {@link #store} and {@link #dispatcher} (with shortcuts for the common ones). Their defaults are
     * those of the builders.
     */
    public static final class Builder {
        private DynamoDbSettings.Builder settings = DynamoDbSettings.builder();
        private final List<Consumer<DynamoDbEventStore.Builder>> store = new ArrayList<>();
        private final List<Consumer<Dispatcher.Builder>> dispatcher = new ArrayList<>();

        private Builder() {
        }

        /** The store's table and client. Replaces what the shortcuts set before; shortcuts called after change it. */
        public Builder settings(DynamoDbSettings v) {
            this.settings = DynamoDbSettings.from(Checks.notNull(v, "settings"));
            return this;
        }

        /** Required. */
        public Builder tableName(String v) {
            settings.tableName(v);
            return this;
        }

        /** A client you built and own; excludes region, endpoint and credentials. */
        public Builder client(DynamoDbClient v) {
            settings.client(v);
            return this;
        }

        public Builder region(Region v) {
            settings.region(v);
            return this;
        }

        /** An endpoint override, e.g. a local emulator. */
        public Builder endpoint(URI v) {
            settings.endpoint(v);
            return this;
        }

        public Builder credentials(AwsCredentialsProvider v) {
            settings.credentials(v);
            return this;
        }

        /** Options of the store's builder, applied in order after the settings. */
        public Builder store(Consumer<DynamoDbEventStore.Builder> options) {
            store.add(Checks.notNull(options, "store"));
            return this;
        }

        /** Options of the dispatcher's builder, applied in order. */
        public Builder dispatcher(Consumer<Dispatcher.Builder> options) {
            dispatcher.add(Checks.notNull(options, "dispatcher"));
            return this;
        }

        /** The clock of the store and the dispatcher. */
        public Builder clock(Clock v) {
            Clock c = Checks.notNull(v, "clock");
            return store(s -> s.clock(c)).dispatcher(d -> d.clock(c));
        }

        /** {@code dispatcher(d -> d.retryPolicy(v))}. */
        public Builder retryPolicy(RetryPolicy v) {
            RetryPolicy p = Checks.notNull(v, "retryPolicy");
            return dispatcher(d -> d.retryPolicy(p));
        }

        /** {@code dispatcher(d -> d.versionCacheSize(v))}. */
        public Builder versionCacheSize(int v) {
            return dispatcher(d -> d.versionCacheSize(v));
        }

        /**
         * @throws InvalidInputException a bad setting, named: the DynamoDB settings, and the
         *                               dispatcher's options as its own builder checks them
         */
        public EventfoldConfig build() {
            EventfoldConfig config = new EventfoldConfig(this, settings.build());
            // The dispatcher's builder checks its options: let it, over a store that costs nothing.
            config.newDispatcher(new InMemoryEventStore()).close();
            return config;
        }
    }
}
