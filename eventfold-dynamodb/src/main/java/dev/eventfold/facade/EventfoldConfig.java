package dev.eventfold.facade;

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
 * event table, and either a DynamoDB client or the settings to build one on first use), the clock
 * of the store and the dispatcher, and the dispatcher's {@link RetryPolicy} and version cache.
 *
 * <pre>{@code
 * Eventfold.init(EventfoldConfig.builder().tableName("events").region(Region.EU_WEST_1).build());
 * Eventfold.init(EventfoldConfig.builder().settings(DynamoDbSettings.of(dynamoDb, "events")).build());
 * }</pre>
 */
public final class EventfoldConfig {
    private final DynamoDbSettings settings;
    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final int versionCacheSize;

    private EventfoldConfig(Builder b, DynamoDbSettings settings) {
        this.settings = settings;
        this.clock = b.clock;
        this.retryPolicy = b.retryPolicy;
        this.versionCacheSize = b.versionCacheSize;
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

    public Clock clock() {
        return clock;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public int versionCacheSize() {
        return versionCacheSize;
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
     * {@link #endpoint}, {@link #credentials}. Defaults: the UTC system clock,
     * {@link RetryPolicy#defaults()}, a version cache of
     * {@value Dispatcher.Builder#DEFAULT_VERSION_CACHE_SIZE} aggregates.
     */
    public static final class Builder {
        private DynamoDbSettings.Builder settings = DynamoDbSettings.builder();
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private int versionCacheSize = Dispatcher.Builder.DEFAULT_VERSION_CACHE_SIZE;

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

        /** The clock of the store and the dispatcher. */
        public Builder clock(Clock v) {
            this.clock = Checks.notNull(v, "clock");
            return this;
        }

        public Builder retryPolicy(RetryPolicy v) {
            this.retryPolicy = Checks.notNull(v, "retryPolicy");
            return this;
        }

        public Builder versionCacheSize(int v) {
            this.versionCacheSize = v;
            return this;
        }

        /** @throws InvalidInputException a bad setting, named */
        public EventfoldConfig build() {
            DynamoDbSettings dynamoDb = settings.build();
            if (versionCacheSize < 0) {
                throw new InvalidInputException("versionCacheSize", "must be 0 (off) or more, was " + versionCacheSize);
            }
            return new EventfoldConfig(this, dynamoDb);
        }
    }
}
