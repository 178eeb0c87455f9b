package dev.eventfold.bench.dispatch;

import dev.eventfold.bench.BenchResults;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.dispatch.RetryPolicy;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.testkit.MotoServer;
import dev.eventfold.testkit.RequestCounter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The dispatch benchmark of issue 3, against a single-threaded moto on loopback. Measures, in one
 * run: requests per dispatch in steady state; 8 threads x 40 events on one aggregate through one
 * shared dispatcher (with and without combining queued dispatches), through one dispatcher per thread (writers that meet only in the table, like
 * separate processes) and with the reference runtime's policy; the same 320 events from one
 * thread; and throughput over 64 aggregates from 8 threads. Writes {@code bench/results/dispatch.md}
 * and {@code bench/results/dispatch.svg}.
 *
 * <pre>{@code
 * java -cp ... dev.eventfold.bench.dispatch.DispatchBench            # every mode
 * java -cp ... dev.eventfold.bench.dispatch.DispatchBench --no-baseline
 * }</pre>
 * Set {@code EVENTFOLD_TEST_ENDPOINT} to use a running emulator instead of starting moto.
 */
public final class DispatchBench {
    static final int THREADS = 8;
    static final int PER_THREAD = 40;
    static final int TOTAL = THREADS * PER_THREAD;
    static final int STEADY_DISPATCHES = 100;
    static final int AGGREGATES = 64;

    private final DynamoDbClient client;
    private final RequestCounter counter;
    private String table;
    private DynamoDbEventStore store;

    DispatchBench(URI endpoint) {
        this.counter = new RequestCounter();
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(counter).build())
                .build();
    }

    /**
     * A new, empty table for each mode, and the previous one deleted: moto copies a whole table (its
     * stream records included) for every action of every TransactWriteItems, so its cost per request
     * grows with what the table holds. Fresh tables keep the modes comparable.
     */
    private void freshTable() {
        if (table != null) {
            String old = table;
            client.deleteTable(b -> b.tableName(old));
        }
        table = "bench-dispatch-" + Long.toHexString(System.nanoTime());
        EventTable.create(client, table);
        store = DynamoDbEventStore.builder().client(client).tableName(table).build();
    }

    public static void main(String[] args) throws Exception {
        boolean baseline = !List.of(args).contains("--no-baseline");
        String configured = System.getenv("EVENTFOLD_TEST_ENDPOINT");
        MotoServer moto = configured == null || configured.isBlank() ? MotoServer.start() : null;
        try {
            URI endpoint = moto != null ? moto.endpoint() : URI.create(configured);
            DispatchBench bench = new DispatchBench(endpoint);
            List<Result> results = bench.runAll(baseline);
            Path dir = BenchResults.dir();
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("dispatch.md"), Report.markdown(results, System.getProperty("java.version")));
            Files.writeString(dir.resolve("dispatch.svg"), Chart.svg(results));
            System.out.println(Report.markdown(results, System.getProperty("java.version")));
            System.out.println("written to " + dir.toAbsolutePath());
        } finally {
            if (moto != null) {
                moto.close();
            }
        }
    }

    List<Result> runAll(boolean baseline) throws Exception {
        List<Result> out = new ArrayList<>();
        freshTable();
        warmUp();
        freshTable();
        out.add(steadyState());
        freshTable();
        out.add(oneThread());
        freshTable();
        out.add(contended("shared dispatcher, 8 threads", "shared", t -> null));
        freshTable();
        Dispatcher oneByOne = Dispatcher.builder(store).combineConcurrentDispatches(false).build();
        out.add(contended("shared dispatcher, no combining, 8 threads", "shared-single", t -> oneByOne));
        freshTable();
        out.add(contended("dispatcher per thread, 8 threads", "per-thread", t -> Dispatcher.of(store)));
        if (baseline) {
            freshTable();
            // The reference's policy within one process: every dispatch reads the head, nothing serialised.
            Dispatcher reference = Dispatcher.builder(store).retryPolicy(RetryPolicy.reference())
                    .versionCacheSize(0).serializeSameAggregate(false).build();
            out.add(contended("reference policy, 8 threads", "reference", t -> reference));
        }
        freshTable();
        out.add(throughput());
        client.deleteTable(b -> b.tableName(table));
        return out;
    }

    private void warmUp() {
        // JIT, the HTTP connection pool and moto's own first-request costs, outside every measurement.
        try (Dispatcher d = Dispatcher.of(store)) {
            for (int i = 0; i < 30; i++) {
                d.dispatchEvent(event(AggregateRef.of("warmup", "w" + (i % 3)), i));
            }
        }
    }

    private Result steadyState() {
        AggregateRef agg = AggregateRef.of("wallet", "steady");
        try (Dispatcher d = Dispatcher.of(store)) {
            d.dispatchEvent(event(agg, 0)); // fills the cache: head read + append
            counter.reset();
            long start = System.nanoTime();
            long retries = 0;
            for (int i = 1; i <= STEADY_DISPATCHES; i++) {
                retries += d.dispatchEvent(event(agg, i)).retries();
            }
            return new Result("steady", "steady state, one thread, warm cache", STEADY_DISPATCHES, 0,
                    System.nanoTime() - start, counter.snapshot(), retries, null);
        }
    }

    private Result oneThread() {
        AggregateRef agg = AggregateRef.of("wallet", "single");
        try (Dispatcher d = Dispatcher.of(store)) {
            counter.reset();
            long start = System.nanoTime();
            long retries = 0;
            for (int i = 0; i < TOTAL; i++) {
                retries += d.dispatchEvent(event(agg, i)).retries();
            }
            return new Result("one-thread", "one thread, 320 events", TOTAL, 0, System.nanoTime() - start,
                    counter.snapshot(), retries, null);
        }
    }

    /** 8 threads x 40 events on one aggregate; {@code perThread} null means one shared default dispatcher. */
    private Result contended(String label, String key, IntFunction<Dispatcher> perThread) throws Exception {
        AggregateRef agg = AggregateRef.of("wallet", key);
        Dispatcher shared = Dispatcher.of(store);
        List<Dispatcher> dispatchers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Dispatcher own = perThread.apply(t);
            dispatchers.add(own == null ? shared : own);
        }
        counter.reset();
        Outcome o = race(t -> {
            Dispatcher d = dispatchers.get(t);
            return i -> d.dispatchEvent(event(agg, t * PER_THREAD + i));
        }, dispatchers.get(0).retryPolicy().maxAttempts());
        dispatchers.forEach(Dispatcher::close);
        shared.close();
        return new Result(key, label, TOTAL, o.failed, o.nanos, counter.snapshot(), o.retries, o.firstError);
    }

    private Result throughput() throws Exception {
        try (Dispatcher d = Dispatcher.of(store)) {
            counter.reset();
            Outcome o = race(t -> i -> d.dispatchEvent(event(
                    AggregateRef.of("wallet", "many-" + ((t * PER_THREAD + i) % AGGREGATES)), i)),
                    d.retryPolicy().maxAttempts());
            return new Result("throughput", "64 aggregates, 8 threads, shared dispatcher", TOTAL, o.failed, o.nanos,
                    counter.snapshot(), o.retries, o.firstError);
        }
    }

    interface Step {
        DispatchResult run(int i);
    }

    record Outcome(long nanos, long failed, long retries, String firstError) {
    }

    private Outcome race(IntFunction<Step> stepOf, int maxAttempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong failed = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Step step = stepOf.apply(t);
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        try {
                            retries.addAndGet(step.run(i).retries());
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            retries.addAndGet(maxAttempts - 1L);
                            firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
            return new Outcome(System.nanoTime() - t0, failed.get(), retries.get(), firstError.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static EventSpec event(AggregateRef agg, int i) {
        return EventSpec.builder().aggregate(agg).eventType("Wallet.Funded").source("bench")
                .payload(Map.of("amount", i, "currency", "USD")).build();
    }

    /** One measured mode. */
    record Result(String key, String label, long events, long failed, long nanos, Map<String, Long> requests,
                  long retries, String firstError) {
        Result {
            requests = new LinkedHashMap<>(requests);
        }

        long totalRequests() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }

        double seconds() {
            return nanos / 1e9;
        }

        double requestsPerEvent() {
            return (double) totalRequests() / events;
        }

        double msPerRequest() {
            return nanos / 1e6 / Math.max(1, totalRequests());
        }

        double eventsPerSecond() {
            return events / seconds();
        }

        String requestBreakdown() {
            List<String> parts = new ArrayList<>();
            requests.forEach((op, n) -> parts.add(op + " " + n));
            return String.join(", ", parts);
        }

        static String fmt(double v, int decimals) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
