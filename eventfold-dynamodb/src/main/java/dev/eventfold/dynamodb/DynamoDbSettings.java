package dev.eventfold.dynamodb;

import dev.eventfold.internal.Checks;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dynamodb.internal.HttpClients;
import dev.eventfold.spi.wire.Keys;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Where the DynamoDB components of Eventfold work: the table, and either a client you give or the
 * settings to build one (region, endpoint, credentials, call timeout; each unset one is the SDK's
 * default chain). Every DynamoDB builder takes it ({@code .settings(settings)}); their
 * {@code .client(...)}, {@code .tableName(...)} setters are shortcuts that fill it.
 *
 * <pre>{@code
 * DynamoDbSettings events = DynamoDbSettings.builder().tableName("events").region(Region.EU_WEST_1).build();
 * DynamoDbEventStore store = DynamoDbEventStore.builder().settings(events).build();
 * SnapshotStore snapshots = DynamoDbSnapshotStore.builder().settings(events).build(); // the same client
 * }</pre>
 *
 * <h2>The client</h2>
 * A built client is made on first use, never when the settings are built or a class loads
 * (Lambda SnapStart), over the process's one URL-connection HTTP client, with a call timeout of
 * {@link #apiCallTimeout()} (default 10 s) and a third of it per attempt. Components given the
 * same settings, or settings made {@link #from} them without changing the client's part, share
 * that one client.
 *
 * <p>Closing: whoever built the client owns it. A client you give stays yours: nothing in
 * Eventfold closes it. A client these settings built belongs to them: {@link #close()} closes it,
 * and so does {@link DynamoDbEventStore#close()} of a store using them (as a store always closed
 * the client it built); a later use builds a new one.
 *
 * <p>Checked at {@link Builder#build()}: {@link InvalidInputException} naming the field.
 */
public final class DynamoDbSettings implements AutoCloseable {
    /** The default timeout of a whole call of a built client, retries included: 10 s. */
    public static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String tableName;
    private final DynamoDbClient givenClient;
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Duration apiCallTimeout;
    private final BuiltClient builtClient; // null when a client was given

    private DynamoDbSettings(Builder b, BuiltClient builtClient) {
        this.tableName = b.tableName;
        this.givenClient = b.client;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.credentials = b.credentials;
        this.apiCallTimeout = b.apiCallTimeout;
        this.builtClient = builtClient;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings with a client you own and close. */
    public static DynamoDbSettings of(DynamoDbClient client, String tableName) {
        return builder().client(client).tableName(tableName).build();
    }

    /**
     * A builder starting from {@code base}, for a variant (another table, say). While the client's
     * part (client, region, endpoint, credentials, timeout) is left as it is, the variant shares
     * the base's client.
     */
    public static Builder from(DynamoDbSettings base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    public String tableName() {
        return tableName;
    }

    /** The client given, or the one built from these settings (now, on the first call). */
    public DynamoDbClient client() {
        return givenClient != null ? givenClient : builtClient.get();
    }

    /** The client given to these settings, if one was (otherwise they build one). */
    public Optional<DynamoDbClient> givenClient() {
        return Optional.ofNullable(givenClient);
    }

    /** Whether these settings build their client (rather than use one given). */
    public boolean buildsClient() {
        return givenClient == null;
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

    /** The timeout of a whole call of a built client, retries included. */
    public Duration apiCallTimeout() {
        return apiCallTimeout;
    }

    /** Closes the client these settings built, if they built one (a later use builds another); a given client stays open. */
    @Override
    public void close() {
        if (builtClient != null) {
            builtClient.close();
        }
    }

    /** The table and where the client comes from; never the credentials. */
    @Override
    public String toString() {
        return "DynamoDbSettings[table=" + tableName + (givenClient != null ? ", client given"
                : (region != null ? ", region=" + region : "") + (endpoint != null ? ", endpoint=" + endpoint : "")
                + ", apiCallTimeout=" + apiCallTimeout) + "]";
    }

    /** The client built from settings: made on first use, once until closed. */
    private static final class BuiltClient {
        private final Region region;
        private final URI endpoint;
        private final AwsCredentialsProvider credentials;
        private final Duration apiCallTimeout;
        private volatile DynamoDbClient client;

        BuiltClient(Region region, URI endpoint, AwsCredentialsProvider credentials, Duration apiCallTimeout) {
            this.region = region;
            this.endpoint = endpoint;
            this.credentials = credentials;
            this.apiCallTimeout = apiCallTimeout;
        }

        DynamoDbClient get() {
            DynamoDbClient c = client;
            if (c == null) {
                synchronized (this) {
                    c = client;
                    if (c == null) {
                        client = c = newClient();
                    }
                }
            }
            return c;
        }

        private DynamoDbClient newClient() {
            DynamoDbClientBuilder b = DynamoDbClient.builder()
                    .httpClient(HttpClients.shared())
                    .overrideConfiguration(ClientOverrideConfiguration.builder()
                            .apiCallTimeout(apiCallTimeout)
                            .apiCallAttemptTimeout(apiCallTimeout.dividedBy(3))
                            .build());
            if (region != null) {
                b.region(region);
            }
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            if (credentials != null) {
                b.credentialsProvider(credentials);
            }
            return b.build();
        }

        void close() {
            DynamoDbClient c;
            synchronized (this) {
                c = client;
                client = null;
            }
            if (c != null) {
                c.close();
            }
        }
    }

    /** Builds {@link DynamoDbSettings}; checked in {@link #build()}. */
    public static final class Builder {
        private String tableName;
        private DynamoDbClient client;
        private Region region;
        private URI endpoint;
        private AwsCredentialsProvider credentials;
        private Duration apiCallTimeout = DEFAULT_API_CALL_TIMEOUT;
        private BuiltClient shared; // the base's built client, while the client's part is unchanged

        private Builder() {
        }

        private Builder(DynamoDbSettings base) {
            this.tableName = base.tableName;
            this.client = base.givenClient;
            this.region = base.region;
            this.endpoint = base.endpoint;
            this.credentials = base.credentials;
            this.apiCallTimeout = base.apiCallTimeout;
            this.shared = base.builtClient;
        }

        /** Required: the table. */
        public Builder tableName(String v) {
            this.tableName = v;
            return this;
        }

        /** A client you built and own; excludes region, endpoint and credentials. */
        public Builder client(DynamoDbClient v) {
            this.client = Checks.notNull(v, "client");
            shared = null;
            return this;
        }

        /** For a built client. Default: the SDK's region chain ({@code AWS_REGION}, profile, ...). */
        public Builder region(Region v) {
            this.region = Checks.notNull(v, "region");
            shared = null;
            return this;
        }

        /** For a built client: an endpoint override, e.g. a local emulator. */
        public Builder endpoint(URI v) {
            this.endpoint = Checks.notNull(v, "endpoint");
            shared = null;
            return this;
        }

        /** For a built client. Default: the SDK's credentials chain. */
        public Builder credentials(AwsCredentialsProvider v) {
            this.credentials = Checks.notNull(v, "credentials");
            shared = null;
            return this;
        }

        /** For a built client: the timeout of a whole call, retries included. Default 10 s. */
        public Builder apiCallTimeout(Duration v) {
            this.apiCallTimeout = v;
            shared = null;
            return this;
        }

        /**
         * @throws InvalidInputException {@code tableName} blank; {@code client} given together with
         *                               region, endpoint or credentials; {@code apiCallTimeout} not positive
         */
        public DynamoDbSettings build() {
            Keys.requireNonBlank("tableName", tableName);
            if (client != null && (region != null || endpoint != null || credentials != null)) {
                throw new InvalidInputException("client", "give either a client or region/endpoint/credentials, not both");
            }
            if (apiCallTimeout == null || apiCallTimeout.isNegative() || apiCallTimeout.isZero()) {
                throw new InvalidInputException("apiCallTimeout", "must be positive");
            }
            if (client != null) {
                return new DynamoDbSettings(this, null);
            }
            return new DynamoDbSettings(this, shared != null ? shared
                    : new BuiltClient(region, endpoint, credentials, apiCallTimeout));
        }
    }
}
