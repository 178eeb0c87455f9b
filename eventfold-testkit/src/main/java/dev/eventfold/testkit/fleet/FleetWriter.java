package dev.eventfold.testkit.fleet;

import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.dispatch.RetryPolicy;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.IdempotencyRecords;
import dev.eventfold.testkit.RequestCounter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * One writer of a fleet, as its own JVM: a Lambda instance in miniature. It builds its own SDK
 * client and dispatcher (public API only), dispatches its share of events over a few hot
 * aggregates and writes an {@link AckLog} line per landed or given-up dispatch, then a summary
 * (properties) file, and exits 0. It meets the other writers only in the table.
 *
 * <p>Item {@code n} of process {@code p} goes to aggregate {@code <type>/<prefix><(p*count+n) % aggregates>}
 * with payload {@code {"process":p,"n":n}}; with {@code --ids=caller} its event id and idempotency key
 * are {@code evt-<p>-<n>}, with {@code --ids=generated} the dispatcher makes them (and may combine
 * concurrent dispatches of this process into one transaction). {@code --items=3,7,9} dispatches only
 * those items: a restarted process resubmitting what its killed predecessor never acknowledged, with
 * the same ids in caller mode.
 *
 * <pre>{@code
 * java -cp <classpath> dev.eventfold.testkit.fleet.FleetWriter \
 *     --endpoint=http://127.0.0.1:4566 --table=events --store-factory=com.example.MyStores \
 *     --process=3 --count=30 --aggregates=3 --threads=2 --ids=caller --ack=/tmp/w3.ack
 * }</pre>
 *
 * Exit codes: 0 done (give-ups included: they are in the ack file), 2 bad arguments or table, 3 the go
 * signal never came, 4 the deadline stopped it before every item was dispatched, 1 anything else.
 */
public final class FleetWriter {
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("endpoint", "DynamoDB endpoint (the proxy or moto), required");
        OPTIONS.put("table", "event table, required");
        OPTIONS.put("store-factory", "class implementing FleetStoreFactory, required");
        OPTIONS.put("process", "this process's number, required");
        OPTIONS.put("count", "items per process (item numbers 0..count-1), required");
        OPTIONS.put("ack", "ack file to append to, required");
        OPTIONS.put("items", "comma-separated item numbers to dispatch instead of all (resubmit)");
        OPTIONS.put("aggregates", "hot aggregates, default 3");
        OPTIONS.put("aggregate-type", "default fleet");
        OPTIONS.put("aggregate-prefix", "default hot-");
        OPTIONS.put("ids", "caller (evt-<process>-<n>, key = id) or generated, default caller");
        OPTIONS.put("idempotency-records", "always, caller-keys or never (true: always, false: never), default caller-keys, the store's default");
        OPTIONS.put("backoff-base-ms", "override the policy's full-jitter backoff base (with backoff-cap-ms)");
        OPTIONS.put("backoff-cap-ms", "override the policy's full-jitter backoff cap (with backoff-base-ms)");
        OPTIONS.put("time-budget-ms", "override the policy's time budget");
        OPTIONS.put("threads", "dispatching threads, default 1");
        OPTIONS.put("policy", "default or reference (RetryPolicy.reference(), no version cache), default default");
        OPTIONS.put("max-attempts", "override the policy's maxAttempts");
        OPTIONS.put("attempt-timeout-ms", "SDK attempt timeout, default 1500");
        OPTIONS.put("sdk-attempts", "SDK attempts per call, default 1: every fault reaches the dispatcher");
        OPTIONS.put("deadline-ms", "stop dispatching after this long, default 60000");
        OPTIONS.put("summary", "summary properties file to write at the end");
        OPTIONS.put("ready", "file to create once warmed up");
        OPTIONS.put("go", "file whose appearance starts the dispatching (waits at most the deadline)");
    }

    private FleetWriter() {
    }

    public static void main(String[] args) {
        // HttpURLConnection silently resends a POST once when a kept-alive connection fails: that
        // would hide injected faults from the code under test. Read when its class initialises, so
        // it is set before any client exists (the launcher passes it with -D as well).
        System.setProperty("sun.net.http.retryPost", "false");
        int code;
        try {
            code = run(Options.parse(args));
        } catch (BadArgument e) {
            System.err.println("FleetWriter: " + e.getMessage());
            code = 2;
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(Options o) throws Exception {
        FleetStoreFactory factory = factory(o.storeFactory);
        RequestCounter requests = new RequestCounter();
        TransactActions actions = new TransactActions();
        long start = System.currentTimeMillis();
        long deadline = start + o.deadlineMs;
        try (DynamoDbClient client = client(o, requests, actions)) {
            EventStore store = factory.create(client, o.table, o.idempotencyRecords);
            RetryPolicy policy = o.reference ? RetryPolicy.reference() : RetryPolicy.defaults();
            if (o.maxAttempts > 0) {
                policy = RetryPolicy.from(policy).maxAttempts(o.maxAttempts).build();
            }
            if (o.backoffBaseMs > 0) {
                policy = RetryPolicy.from(policy).fullJitterBackoff(Duration.ofMillis(o.backoffBaseMs),
                        Duration.ofMillis(Math.max(o.backoffBaseMs, o.backoffCapMs))).build();
            }
            if (o.timeBudgetMs > 0) {
                policy = RetryPolicy.from(policy).timeBudget(Duration.ofMillis(o.timeBudgetMs)).build();
            }
            Dispatcher.Builder db = Dispatcher.builder(store).retryPolicy(policy);
            if (o.reference) {
                // The reference runtime within one process: every dispatch reads the head, nothing serialised.
                db.versionCacheSize(0).serializeSameAggregate(false);
            }
            warmUp(client, o.table, deadline);
            requests.reset(); // the warm-up is not part of what is measured
            actions.reset();
            if (o.ready != null) {
                Files.writeString(o.ready, Long.toString(ProcessHandle.current().pid()));
            }
            if (o.go != null && !awaitGo(o.go, deadline)) {
                System.err.println("FleetWriter: no go signal (" + o.go + ") before the deadline");
                return 3;
            }
            try (Dispatcher dispatcher = db.build(); AckLog acks = AckLog.open(o.ack)) {
                Outcome outcome = dispatchAll(o, dispatcher, acks, deadline);
                writeSummary(o, outcome, requests, actions);
                System.out.println(outcome.line(o, requests));
                return outcome.skipped.get() > 0 ? 4 : 0;
            }
        }
    }

    // ---- dispatching ----

    private static final class Outcome {
        final LongAdder landed = new LongAdder();
        final LongAdder alreadyAppended = new LongAdder();
        final LongAdder attempts = new LongAdder();
        final Map<String, LongAdder> giveUps = new ConcurrentHashMap<>();
        final AtomicLong skipped = new AtomicLong();
        long startedAt;
        long finishedAt;

        long gaveUp() {
            return giveUps.values().stream().mapToLong(LongAdder::sum).sum();
        }

        String line(Options o, RequestCounter requests) {
            return "FleetWriter process=" + o.process + " items=" + o.items.size() + " landed=" + landed.sum()
                    + " alreadyAppended=" + alreadyAppended.sum() + " gaveUp=" + gaveUp() + " skipped=" + skipped.get()
                    + " requests=" + requests.snapshot() + " ms=" + (finishedAt - startedAt);
        }
    }

    private static Outcome dispatchAll(Options o, Dispatcher dispatcher, AckLog acks, long deadline) throws Exception {
        Outcome outcome = new Outcome();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads);
        outcome.startedAt = System.currentTimeMillis();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < o.threads; t++) {
                List<Integer> mine = new ArrayList<>();
                for (int i = t; i < o.items.size(); i += o.threads) {
                    mine.add(o.items.get(i));
                }
                futures.add(pool.submit(() -> {
                    for (int n : mine) {
                        if (System.currentTimeMillis() > deadline) {
                            outcome.skipped.incrementAndGet();
                            continue;
                        }
                        dispatchOne(o, dispatcher, acks, outcome, n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            outcome.finishedAt = System.currentTimeMillis();
        }
        return outcome;
    }

    private static void dispatchOne(Options o, Dispatcher dispatcher, AckLog acks, Outcome outcome, int n) {
        String aggregateId = o.aggregatePrefix + Math.floorMod((long) o.process * o.count + n, o.aggregates);
        String eventId = o.callerIds ? "evt-" + o.process + "-" + n : null;
        EventSpec.Builder spec = EventSpec.builder().aggregate(o.aggregateType, aggregateId)
                .eventType("Fleet.Dispatched").source("fleet")
                .payload(Map.of("process", o.process, "n", n));
        if (eventId != null) {
            spec.eventId(eventId).idempotencyKey(eventId);
        }
        try {
            DispatchResult r = dispatcher.dispatchEvent(spec.build());
            acks.ack(new AckLog.Ack(o.process, n, r.eventId(), o.aggregateType, aggregateId, r.version(),
                    r.alreadyAppended(), r.attempts(), r.idempotencyKey()));
            outcome.landed.increment();
            outcome.attempts.add(r.attempts());
            if (r.alreadyAppended()) {
                outcome.alreadyAppended.increment();
            }
        } catch (RuntimeException e) {
            // A give-up is a result to report, not a crash: the caller (a Lambda) would see it too.
            acks.giveUp(new AckLog.GiveUp(o.process, n, eventId == null ? "" : eventId, o.aggregateType, aggregateId,
                    e.getClass().getName(), String.valueOf(e.getMessage())));
            outcome.giveUps.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        }
    }

    private static void writeSummary(Options o, Outcome outcome, RequestCounter requests, TransactActions actions)
            throws IOException {
        if (o.summary == null) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("process", Integer.toString(o.process));
        p.setProperty("items", Integer.toString(o.items.size()));
        p.setProperty("landed", Long.toString(outcome.landed.sum()));
        p.setProperty("alreadyAppended", Long.toString(outcome.alreadyAppended.sum()));
        p.setProperty("attempts", Long.toString(outcome.attempts.sum()));
        p.setProperty("gaveUp", Long.toString(outcome.gaveUp()));
        p.setProperty("skipped", Long.toString(outcome.skipped.get()));
        Map<String, Long> byClass = new TreeMap<>();
        outcome.giveUps.forEach((k, v) -> byClass.put(k, v.sum()));
        p.setProperty("giveUpClasses", byClass.toString());
        p.setProperty("startedAtMs", Long.toString(outcome.startedAt));
        p.setProperty("finishedAtMs", Long.toString(outcome.finishedAt));
        requests.snapshot().forEach((op, c) -> p.setProperty("requests." + op, Long.toString(c)));
        p.setProperty("requestsTotal", Long.toString(requests.total()));
        p.setProperty("transactRequests", Long.toString(actions.requests.sum()));
        p.setProperty("transactActions", Long.toString(actions.actions.sum()));
        Path tmp = o.summary.resolveSibling(o.summary.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "FleetWriter summary");
        }
        Files.move(tmp, o.summary, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- setup ----

    private static FleetStoreFactory factory(String className) {
        try {
            Class<?> c = Class.forName(className);
            if (!FleetStoreFactory.class.isAssignableFrom(c)) {
                throw new BadArgument("--store-factory " + className + " does not implement " + FleetStoreFactory.class.getName());
            }
            return (FleetStoreFactory) c.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new BadArgument("--store-factory " + className + " is not on the class path");
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new BadArgument("--store-factory " + className + " needs a public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("--store-factory " + className + " failed to construct", e.getCause());
        }
    }

    private static DynamoDbClient client(Options o, RequestCounter requests, TransactActions actions) {
        Duration attempt = Duration.ofMillis(o.attemptTimeoutMs);
        return DynamoDbClient.builder()
                .endpointOverride(o.endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                // Socket timeout above the attempt timeout: the attempt timeout is the one that fires.
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(attempt.plusSeconds(1)).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(attempt)
                        .apiCallTimeout(attempt.multipliedBy(o.sdkAttempts).plusSeconds(2))
                        .retryStrategy(b -> b.maxAttempts(o.sdkAttempts))
                        .addExecutionInterceptor(requests)
                        .addExecutionInterceptor(actions)
                        .build())
                .build();
    }

    /** First requests (class loading, connection, moto's first-call costs) outside the measurement. */
    private static void warmUp(DynamoDbClient client, String table, long deadline) throws InterruptedException {
        RuntimeException last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                client.describeTable(b -> b.tableName(table));
                return;
            } catch (ResourceNotFoundException e) {
                throw new BadArgument("table " + table + " does not exist at the endpoint");
            } catch (RuntimeException e) {
                last = e; // a fault of the proxy, or moto still busy: try again
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the endpoint did not answer DescribeTable before the deadline", last);
    }

    private static boolean awaitGo(Path go, long deadline) throws InterruptedException {
        while (!Files.exists(go)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /** Counts TransactWriteItems attempts and their actions (items written or checked per request). */
    static final class TransactActions implements ExecutionInterceptor {
        final LongAdder requests = new LongAdder();
        final LongAdder actions = new LongAdder();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof TransactWriteItemsRequest r) {
                requests.increment();
                actions.add(r.transactItems().size());
            }
        }

        void reset() {
            requests.reset();
            actions.reset();
        }
    }

    // ---- arguments ----

    static final class BadArgument extends RuntimeException {
        BadArgument(String message) {
            super(message);
        }
    }

    static final class Options {
        URI endpoint;
        String table;
        String storeFactory;
        int process;
        int count;
        Path ack;
        List<Integer> items;
        int aggregates = 3;
        String aggregateType = "fleet";
        String aggregatePrefix = "hot-";
        boolean callerIds = true;
        IdempotencyRecords idempotencyRecords = IdempotencyRecords.CALLER_KEYS;
        long backoffBaseMs;
        long backoffCapMs;
        long timeBudgetMs;
        int threads = 1;
        boolean reference;
        int maxAttempts;
        long attemptTimeoutMs = 1500;
        int sdkAttempts = 1;
        long deadlineMs = 60_000;
        Path summary;
        Path ready;
        Path go;

        static Options parse(String[] args) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (!a.startsWith("--") || eq < 3) {
                    throw new BadArgument("arguments are --name=value, got '" + a + "'; options: " + OPTIONS);
                }
                String name = a.substring(2, eq);
                if (!OPTIONS.containsKey(name)) {
                    throw new BadArgument("unknown option --" + name + "; options: " + OPTIONS.keySet());
                }
                kv.put(name, a.substring(eq + 1));
            }
            for (String required : List.of("endpoint", "table", "store-factory", "process", "count", "ack")) {
                if (!kv.containsKey(required) || kv.get(required).isBlank()) {
                    throw new BadArgument("--" + required + " is required (" + OPTIONS.get(required) + ")");
                }
            }
            Options o = new Options();
            o.endpoint = URI.create(kv.get("endpoint"));
            if (o.endpoint.getScheme() == null || o.endpoint.getHost() == null) {
                throw new BadArgument("--endpoint must be a URL such as http://127.0.0.1:4566, was " + kv.get("endpoint"));
            }
            o.table = kv.get("table");
            o.storeFactory = kv.get("store-factory");
            o.process = intOf(kv, "process", 0);
            o.count = intOf(kv, "count", 1);
            o.ack = Path.of(kv.get("ack"));
            o.aggregates = kv.containsKey("aggregates") ? intOf(kv, "aggregates", 1) : o.aggregates;
            o.aggregateType = kv.getOrDefault("aggregate-type", o.aggregateType);
            o.aggregatePrefix = kv.getOrDefault("aggregate-prefix", o.aggregatePrefix);
            String ids = kv.getOrDefault("ids", "caller");
            if (!Set.of("caller", "generated").contains(ids)) {
                throw new BadArgument("--ids is caller or generated, was " + ids);
            }
            o.callerIds = ids.equals("caller");
            String records = kv.getOrDefault("idempotency-records", "caller-keys");
            o.idempotencyRecords = switch (records) {
                case "always", "true" -> IdempotencyRecords.ALWAYS;
                case "caller-keys" -> IdempotencyRecords.CALLER_KEYS;
                case "never", "false" -> IdempotencyRecords.NEVER;
                default -> throw new BadArgument("--idempotency-records is always, caller-keys or never, was " + records);
            };
            o.backoffBaseMs = kv.containsKey("backoff-base-ms") ? intOf(kv, "backoff-base-ms", 1) : 0;
            o.backoffCapMs = kv.containsKey("backoff-cap-ms") ? intOf(kv, "backoff-cap-ms", 1) : 0;
            o.timeBudgetMs = kv.containsKey("time-budget-ms") ? intOf(kv, "time-budget-ms", 1) : 0;
            o.threads = kv.containsKey("threads") ? intOf(kv, "threads", 1) : 1;
            String policy = kv.getOrDefault("policy", "default");
            if (!Set.of("default", "reference").contains(policy)) {
                throw new BadArgument("--policy is default or reference, was " + policy);
            }
            o.reference = policy.equals("reference");
            o.maxAttempts = kv.containsKey("max-attempts") ? intOf(kv, "max-attempts", 1) : 0;
            o.attemptTimeoutMs = kv.containsKey("attempt-timeout-ms") ? intOf(kv, "attempt-timeout-ms", 50) : o.attemptTimeoutMs;
            o.sdkAttempts = kv.containsKey("sdk-attempts") ? intOf(kv, "sdk-attempts", 1) : o.sdkAttempts;
            o.deadlineMs = kv.containsKey("deadline-ms") ? intOf(kv, "deadline-ms", 1) : o.deadlineMs;
            o.summary = kv.containsKey("summary") ? Path.of(kv.get("summary")) : null;
            o.ready = kv.containsKey("ready") ? Path.of(kv.get("ready")) : null;
            o.go = kv.containsKey("go") ? Path.of(kv.get("go")) : null;
            o.items = new ArrayList<>();
            if (kv.containsKey("items")) {
                String list = kv.get("items").trim();
                for (String s : list.isEmpty() ? new String[0] : list.split(",")) {
                    int n;
                    try {
                        n = Integer.parseInt(s.trim());
                    } catch (NumberFormatException e) {
                        throw new BadArgument("--items is a comma-separated list of item numbers, got '" + s + "'");
                    }
                    if (n < 0 || n >= o.count) {
                        throw new BadArgument("--items: " + n + " is outside 0.." + (o.count - 1));
                    }
                    o.items.add(n);
                }
            } else {
                for (int n = 0; n < o.count; n++) {
                    o.items.add(n);
                }
            }
            return o;
        }

        private static int intOf(Map<String, String> kv, String name, int min) {
            try {
                int v = Integer.parseInt(kv.get(name).trim());
                if (v < min) {
                    throw new BadArgument("--" + name + " must be at least " + min + ", was " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new BadArgument("--" + name + " must be a whole number, was '" + kv.get(name) + "'");
            }
        }

        private static boolean boolOf(Map<String, String> kv, String name, boolean dflt) {
            String v = kv.get(name);
            if (v == null) {
                return dflt;
            }
            if (!v.equals("true") && !v.equals("false")) {
                throw new BadArgument("--" + name + " is true or false, was '" + v + "'");
            }
            return Boolean.parseBoolean(v);
        }
    }

    /** Reads a summary file written by a writer; empty when the process never got that far. */
    public static Properties readSummary(Path file) {
        Properties p = new Properties();
        if (file != null && Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p;
    }
}
