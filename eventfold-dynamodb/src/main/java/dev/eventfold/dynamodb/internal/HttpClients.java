package dev.eventfold.dynamodb.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The one HTTP client of the SDK clients Eventfold builds itself, per process: the URL-connection
 * client (no Netty or Apache in Lambda jars), created on first use and never at class load
 * (Lambda SnapStart: nothing is opened before the snapshot).
 *
 * <p>Timeouts, the same for every caller: {@value #CONNECT_TIMEOUT_SECONDS} s to connect (a
 * healthy endpoint answers in milliseconds; a longer wait is a network problem, better retried),
 * {@value #SOCKET_TIMEOUT_SECONDS} s between bytes of a response (no client Eventfold builds
 * long-polls; the CLI's 10 s attempt timeout always cut its reads at 10 s). The SDK clients add
 * their own per-attempt and per-call timeouts on top.
 *
 * <pre>{@code
 * DynamoDbClient ddb = DynamoDbClient.builder().httpClient(HttpClients.shared()).build();
 * }</pre>
 */
public final class HttpClients {
    public static final int CONNECT_TIMEOUT_SECONDS = 2;
    public static final int SOCKET_TIMEOUT_SECONDS = 10;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS);
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS);

    /** HTTP clients built so far in this process: lets tests check what is lazy. */
    private static final AtomicInteger BUILT = new AtomicInteger();

    private HttpClients() {
    }

    /** Holder idiom: the client is built when first asked for (class initialisation of the holder), once. */
    private static final class Shared {
        static final SdkHttpClient CLIENT = newClient();
    }

    /** The process's shared client; never close it. */
    public static SdkHttpClient shared() {
        return Shared.CLIENT;
    }

    /**
     * A new client with the same timeouts, for a caller that owns it and closes it (the CLI, whose
     * process ends with the command). The one factory of Eventfold's HTTP clients.
     */
    public static SdkHttpClient newClient() {
        SdkHttpClient client = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build();
        BUILT.incrementAndGet();
        return client;
    }

    /** How many HTTP clients this class has built in this process (the shared one included, once built). */
    public static int built() {
        return BUILT.get();
    }
}
