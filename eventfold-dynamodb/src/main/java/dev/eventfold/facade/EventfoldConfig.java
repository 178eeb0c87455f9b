package dev.eventfold.facade;

import dev.eventfold.facade.Eventfold;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.RetryPolicy;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What {@link Eventfold#init(EventfoldConfig)} needs: the event table, and either a DynamoDB
 * client or the settings to build one on first use (region, endpoint, credentials; each
 * defaults to the SDK's provider chain).
 *
 * <pre>{@code
 * Eventfold.init(EventfoldConfig.builder().tableName("events").region(Region.EU_WEST_1).build());
 * }</pre>
 */
public final class EventfoldConfig {
    private final String tableName;
    private final DynamoDbClient client;
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final int versionCacheSize;

    private EventfoldConfig(Builder b) {
        this.tableName = b.tableName;
        this.client = b.client;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.credentials = b.credentials;
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

    public String tableName() {
        return tableName;
    }

    public Optional<DynamoDbClient> client() {
        return Optional.ofNullable(client);
    }

    public Optional<Region> region() {
        return Optional.ofNullable(region);
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public Optional<AwsCredentialsProvider> credentials() {
        return Optional.ofNullable(credentials);
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
        return "EventfoldConfig[table=" + tableName + (client != null ? ", client given" : "")
                + (region != null ? ", region=" + region : "") + (endpoint != null ? ", endpoint=" + endpoint : "") + "]";
    }

    /**
     * Builds an {@link EventfoldConfig}, checked in {@link #build()}. Defaults: the UTC system clock,
     * {@link RetryPolicy#defaults()}, a version cache of
     * {@value Dispatcher.Builder#DEFAULT_VERSION_CACHE_SIZE} aggregates.
     */
    public static final class Builder {
        private String tableName;
        private DynamoDbClient client;
        private Region region;
        private URI endpoint;
        private AwsCredentialsProvider credentials;
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private int versionCacheSize = Dispatcher.Builder.DEFAULT_VERSION_CACHE_SIZE;

        private Builder() {
        }

        /** Required. */
        public Builder tableName(String v) {
            this.tableName = v;
            return this;
        }

        /** A client you built and own; excludes region, endpoint and credentials. */
        public Builder client(DynamoDbClient v) {
            this.client = Objects.requireNonNull(v, "client");
            return this;
        }

        public Builder region(Region v) {
            this.region = Objects.requireNonNull(v, "region");
            return this;
        }

        /** An endpoint override, e.g. a local emulator. */
        public Builder endpoint(URI v) {
            this.endpoint = Objects.requireNonNull(v, "endpoint");
            return this;
        }

        public Builder credentials(AwsCredentialsProvider v) {
            this.credentials = Objects.requireNonNull(v, "credentials");
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        public Builder retryPolicy(RetryPolicy v) {
            this.retryPolicy = Objects.requireNonNull(v, "retryPolicy");
            return this;
        }

        public Builder versionCacheSize(int v) {
            this.versionCacheSize = v;
            return this;
        }

        public EventfoldConfig build() {
            Keys.requireNonBlank("tableName", tableName);
            if (client != null && (region != null || endpoint != null || credentials != null)) {
                throw new InvalidInputException("client", "give either a client or region/endpoint/credentials, not both");
            }
            if (versionCacheSize < 0) {
                throw new InvalidInputException("versionCacheSize", "must be 0 (off) or more, was " + versionCacheSize);
            }
            return new EventfoldConfig(this);
        }
    }
}
