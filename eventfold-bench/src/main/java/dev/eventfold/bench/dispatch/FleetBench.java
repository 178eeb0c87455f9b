package dev.eventfold.bench.dispatch;

import dev.eventfold.bench.BenchResults;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.testkit.MotoServer;
import dev.eventfold.testkit.fleet.Fleet;
import dev.eventfold.testkit.fleet.FleetReport;
import dev.eventfold.testkit.fleet.FleetResult;
import dev.eventfold.testkit.fleet.FleetVerifier;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The dispatch benchmark with writers as separate JVMs ({@link Fleet} of {@code FleetWriter}
 * processes), as concurrent Lambda instances are: each has its own dispatcher, client and version
 * cache and they meet only in the table. In one run, a fresh table per mode, no faults: 8 processes x
 * 40 dispatches on one aggregate; 8 processes over 64 aggregates; one process dispatching the same
 * 320 events alone; 8 processes with {@code RetryPolicy.reference()}. Per mode: wall time from the
 * common start signal to the last writer's end, give-ups, DynamoDB requests per event (each process
 * counts its own with {@code RequestCounter}), actions per {@code TransactWriteItems}, and write
 * units per one-event dispatch computed from the items in the table. Writes {@code bench/results/fleet.md}.
 *
 * <pre>{@code
 * java -cp <bench class path> dev.eventfold.bench.dispatch.FleetBench
 * }</pre>
 * Set {@code EVENTFOLD_TEST_ENDPOINT} to use a running emulator instead of starting moto.
 */
public final class FleetBench {
    static final int KB = 1024;

    /** One measured configuration. */
    record Mode(String key, String label, int processes, int perProcess, int aggregates, List<String> args) {
        int events() {
            return processes * perProcess;
        }
    }

    static final List<Mode> MODES = List.of(
            new Mode("one-aggregate", "8 processes x 40, one aggregate", 8, 40, 1, List.of()),
            new Mode("many-aggregates", "8 processes x 40, 64 aggregates", 8, 40, 64, List.of()),
            new Mode("alone", "1 process, the same 320 events, one aggregate", 1, 320, 1, List.of()),
            new Mode("reference", "8 processes x 40, one aggregate, RetryPolicy.reference()", 8, 40, 1,
                    List.of("--policy=reference")));

    /** What one mode measured. */
    record Outcome(Mode mode, long wallMs, long landed, long gaveUp, String giveUpClasses, Map<String, Long> requests,
                   long transactRequests, long transactActions, WriteUnits units, int violations) {
        long totalRequests() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }

        double requestsPerEvent() {
            return (double) totalRequests() / mode.events();
        }

        double actionsPerTransaction() {
            return transactRequests == 0 ? 0 : (double) transactActions / transactRequests;
        }
    }

    /**
     * Write units of a landed one-event append, from the sizes of the items it writes: DynamoDB rounds
     * each item up to 1 KB and a transactional write costs 2 WCU per KB, so
     * {@code 2 x (ceil(head/1KB) + ceil(event/1KB) + ceil(idempotency record/1KB))}.
     */
    record WriteUnits(double headBytes, double eventBytes, double recordBytes, double perDispatch,
                      double perDispatchWithoutRecords) {
    }

    private final URI endpoint;
    private final DynamoDbClient client;
    private final Path work;

    FleetBench(URI endpoint) throws IOException {
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .build();
        this.work = Files.createTempDirectory("eventfold-fleet-bench");
    }

    public static void main(String[] args) throws Exception {
        String configured = System.getenv("EVENTFOLD_TEST_ENDPOINT");
        MotoServer moto = configured == null || configured.isBlank() ? MotoServer.start() : null;
        try {
            FleetBench bench = new FleetBench(moto != null ? moto.endpoint() : URI.create(configured));
            List<Outcome> outcomes = bench.runAll();
            String md = markdown(outcomes);
            if (System.getProperty("eventfold.fleet.modes") != null) {
                System.out.println(md);
                return; // an experiment: bench/results/ keeps the last full run
            }
            Path dir = BenchResults.dir();
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("fleet.md"), md, StandardCharsets.UTF_8);
            System.out.println(md);
            System.out.println("written to " + dir.resolve("fleet.md").toAbsolutePath());
        } finally {
            if (moto != null) {
                moto.close();
            }
        }
    }

    List<Outcome> runAll() throws Exception {
        // moto's first transactions and the page cache of the writers' class path, outside every measurement.
        run(new Mode("warmup", "warm-up", 2, 10, 2, List.of()));
        List<Outcome> out = new ArrayList<>();
        // -Deventfold.fleet.modes=one-aggregate,alone runs some modes only (experiments; results not written).
        String only = System.getProperty("eventfold.fleet.modes");
        for (Mode m : MODES) {
            if (only != null && !List.of(only.split(",")).contains(m.key())) {
                continue;
            }
            Outcome o = run(m);
            System.out.printf(Locale.ROOT, "%s: %.2f s, %d give-ups, %.2f requests/event%n", m.label(),
                    o.wallMs() / 1000.0, o.gaveUp(), o.requestsPerEvent());
            out.add(o);
        }
        return out;
    }

    private Outcome run(Mode m) throws Exception {
        // A fresh table per mode: moto's cost per request grows with what the table holds.
        String table = "bench-fleet-" + m.key() + "-" + Long.toHexString(System.nanoTime());
        EventTable.create(client, table);
        Path dir = Files.createDirectories(work.resolve(m.key()));
        List<String> args = new ArrayList<>(List.of(
                "--endpoint=" + endpoint,
                "--table=" + table,
                "--store-factory=" + BenchFleetStores.class.getName(),
                "--aggregates=" + m.aggregates(),
                "--aggregate-type=wallet",
                "--aggregate-prefix=" + m.key() + "-",
                "--ids=generated",
                "--threads=1",
                // No faults here: a long attempt timeout, one SDK attempt, so every request is counted once.
                "--attempt-timeout-ms=20000",
                "--sdk-attempts=1"));
        args.addAll(m.args());
        // -Deventfold.fleet.writerArgs="--backoff-cap-ms=200 ..." for experiments with the policy.
        String extra = System.getProperty("eventfold.fleet.writerArgs");
        if (extra != null && !extra.isBlank() && !m.key().equals("reference")) {
            args.addAll(List.of(extra.trim().split("\\s+")));
        }
        FleetResult r;
        try (Fleet fleet = Fleet.builder().workDir(dir).processes(m.processes()).dispatchesPerProcess(m.perProcess())
                .writerArgs(args).deadline(Duration.ofMinutes(6)).readyTimeout(Duration.ofSeconds(90)).build()) {
            r = fleet.run();
        }
        if (!r.badExits().isEmpty()) {
            throw new IllegalStateException(m.label() + ": " + r.badExits());
        }
        FleetReport report = FleetVerifier.verify(client, table, r.acks());
        if (!report.clean()) {
            System.out.println(m.label() + ":\n" + report.describe());
        }
        long finished = r.runs().stream().mapToLong(x -> x.summaryLong("finishedAtMs")).max().orElse(r.goAtMs());
        Map<String, Long> requests = new TreeMap<>();
        for (FleetResult.Run run : r.runs()) {
            run.summary().stringPropertyNames().stream().filter(k -> k.startsWith("requests."))
                    .forEach(k -> requests.merge(k.substring("requests.".length()), run.summaryLong(k), Long::sum));
        }
        Map<String, Long> giveUps = new TreeMap<>();
        r.giveUps().forEach(g -> giveUps.merge(g.exceptionClass().substring(g.exceptionClass().lastIndexOf('.') + 1),
                1L, Long::sum));
        WriteUnits units = writeUnits(table);
        client.deleteTable(b -> b.tableName(table));
        return new Outcome(m, finished - r.goAtMs(), r.total("landed"), r.total("gaveUp"), giveUps.toString(), requests,
                r.total("transactRequests"), r.total("transactActions"), units, report.violations().size());
    }

    /** Item sizes as written, from a raw scan: the mean head, event and idempotency-record item. */
    private WriteUnits writeUnits(String table) {
        long heads = 0;
        long events = 0;
        long records = 0;
        long headBytes = 0;
        long eventBytes = 0;
        long recordBytes = 0;
        double units = 0; // summed per event: its own item, its append's head and record
        double unitsWithoutRecords = 0;
        Map<String, Long> headUnitsOf = new TreeMap<>();
        Map<String, Long> eventsOf = new TreeMap<>();
        for (Map<String, AttributeValue> item : client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
            String pk = item.get("pk").s();
            String sk = item.get("sk").s();
            long size = itemBytes(item);
            if (sk.equals("HEAD")) {
                heads++;
                headBytes += size;
                headUnitsOf.put(pk, kbUnits(size));
            } else if (sk.startsWith("EVT#")) {
                events++;
                eventBytes += size;
                eventsOf.merge(pk, 1L, Long::sum);
                units += 2.0 * kbUnits(size);
                unitsWithoutRecords += 2.0 * kbUnits(size);
            } else if (sk.startsWith("IDEM#")) {
                records++;
                recordBytes += size;
                units += 2.0 * kbUnits(size);
            }
        }
        // Every one-event append rewrites its aggregate's head: its size now stands for each rewrite.
        for (Map.Entry<String, Long> e : eventsOf.entrySet()) {
            long head = headUnitsOf.getOrDefault(e.getKey(), 1L);
            units += 2.0 * head * e.getValue();
            unitsWithoutRecords += 2.0 * head * e.getValue();
        }
        return new WriteUnits(mean(headBytes, heads), mean(eventBytes, events), mean(recordBytes, records),
                events == 0 ? 0 : units / events, events == 0 ? 0 : unitsWithoutRecords / events);
    }

    private static double mean(long sum, long n) {
        return n == 0 ? 0 : (double) sum / n;
    }

    private static long kbUnits(long bytes) {
        return Math.max(1, (bytes + KB - 1) / KB);
    }

    /**
     * An item's size by DynamoDB's documented rule: attribute names plus values; strings and
     * binaries their bytes, numbers about 1 byte per 2 significant digits plus 1, booleans and
     * nulls 1, lists and maps 3 bytes plus 1 per element plus the elements (and, in maps, their names).
     */
    static long itemBytes(Map<String, AttributeValue> item) {
        long n = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            n += utf8(e.getKey()) + valueBytes(e.getValue());
        }
        return n;
    }

    private static long valueBytes(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return numberBytes(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArray().length;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasM()) {
            long n = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                n += 1 + utf8(e.getKey()) + valueBytes(e.getValue());
            }
            return n;
        }
        if (v.hasL()) {
            long n = 3;
            for (AttributeValue x : v.l()) {
                n += 1 + valueBytes(x);
            }
            return n;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(FleetBench::utf8).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToLong(FleetBench::numberBytes).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        }
        return 0;
    }

    private static long numberBytes(String number) {
        String digits = number.replaceAll("[^0-9]", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, (digits.length() + 1) / 2) + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    // ---- report ----

    static String markdown(List<Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Fleet benchmark: writers as separate processes\n\n")
                .append("Generated by `dev.eventfold.bench.dispatch.FleetBench` on ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" (Java ")
                .append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores).\n\n")
                .append("Each writer is its own JVM (`FleetWriter`, started by `Fleet`) with its own dispatcher, SDK client and")
                .append(" version cache, like concurrent Lambda instances: they meet only in the table, so the in-process")
                .append(" lock and combining cannot help them. Every writer dispatches one event at a time with ids the")
                .append(" dispatcher makes, through the store's defaults (no idempotency record for generated ids); all of them start on one")
                .append(" signal once warmed up, and the time runs from that signal to the last writer's end (JVM start-up")
                .append(" excluded, each writer's first dispatch, a head read, included). A fresh table per mode, all modes")
                .append(" in the same run, no faults. Requests are counted in each process by an SDK interceptor")
                .append(" (`RequestCounter`) and summed; actions per `TransactWriteItems` are counted from the requests;")
                .append(" after each mode a raw scan checks the table (`FleetVerifier`: no gap, heads match, no id twice).\n\n")
                .append("How to read the timings: the server is moto, single-threaded, on a 2-core machine shared with")
                .append(" other builds, so every request waits for the one before it and costs about 10 to 20 ms. Compare")
                .append(" the modes with each other (ratios), not with DynamoDB's milliseconds. Request counts, actions")
                .append(" per transaction and write units carry over to DynamoDB unchanged.\n\n")
                .append("| mode | events | time (s) | give-ups | requests / event | GetItem | TransactWriteItems")
                .append(" | actions / TransactWriteItems | WCU / one-event dispatch | events / s | table violations |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Outcome o : outcomes) {
            sb.append("| ").append(o.mode().label()).append(" | ").append(o.mode().events())
                    .append(" | ").append(f(o.wallMs() / 1000.0, 2))
                    .append(" | ").append(o.gaveUp())
                    .append(" | ").append(f(o.requestsPerEvent(), 2))
                    .append(" | ").append(o.requests().getOrDefault("GetItem", 0L))
                    .append(" | ").append(o.requests().getOrDefault("TransactWriteItems", 0L))
                    .append(" | ").append(f(o.actionsPerTransaction(), 2))
                    .append(" | ").append(f(o.units().perDispatch(), 1))
                    .append(" | ").append(f(o.mode().events() / Math.max(0.001, o.wallMs() / 1000.0), 1))
                    .append(" | ").append(o.violations()).append(" |\n");
        }
        sb.append('\n');
        for (Outcome o : outcomes) {
            if (o.gaveUp() > 0) {
                sb.append("- give-ups in \"").append(o.mode().label()).append("\": ").append(o.giveUpClasses()).append('\n');
            }
        }
        Outcome hot = find(outcomes, "one-aggregate");
        Outcome alone = find(outcomes, "alone");
        Outcome reference = find(outcomes, "reference");
        Outcome many = find(outcomes, "many-aggregates");
        sb.append("\nRatios: 8 processes on one aggregate took ").append(f(hot.wallMs() / (double) alone.wallMs(), 2))
                .append("x the time of one process alone, with ").append(f(hot.requestsPerEvent(), 2)).append(" against ")
                .append(f(alone.requestsPerEvent(), 2)).append(" requests per event; the reference policy took ")
                .append(f(reference.wallMs() / (double) hot.wallMs(), 2)).append("x the default policy's time (")
                .append(f(reference.requestsPerEvent(), 2)).append(" requests per event, ").append(reference.gaveUp())
                .append(" give-ups against ").append(hot.gaveUp()).append("); over 64 aggregates 8 processes took ")
                .append(f(many.wallMs() / (double) alone.wallMs(), 2)).append("x the one-process time.\n\n");
        WriteUnits u = alone.units();
        sb.append("Write units, from the items in the table: DynamoDB rounds each item up to 1 KB and a transactional")
                .append(" write costs 2 WCU per KB, so a one-event append costs\n\n")
                .append("    WCU = 2 x (ceil(head / 1 KB) + ceil(event / 1 KB) + ceil(idempotency record / 1 KB))\n\n")
                .append("Here the head item is ").append(f(u.headBytes(), 0)).append(" B and the event item ")
                .append(f(u.eventBytes(), 0)).append(" B, each under 1 KB, ");
        if (u.recordBytes() == 0) {
            sb.append("and a dispatch with ids the dispatcher made writes no idempotency record (ADR 0001): ")
                    .append(f(u.perDispatch(), 1)).append(" WCU per dispatch, the reference runtime's 4. A dispatch")
                    .append(" with a caller's key or event id also writes its record (under 1 KB for small events:")
                    .append(" 2 WCU more).");
        } else {
            sb.append("and the idempotency record ").append(f(u.recordBytes(), 0)).append(" B: ")
                    .append(f(u.perDispatch(), 1)).append(" WCU per dispatch, ")
                    .append(f(u.perDispatchWithoutRecords(), 1)).append(" without idempotency records (")
                    .append(f(100 * (u.perDispatch() / u.perDispatchWithoutRecords() - 1), 0)).append("% more with them).");
        }
        sb.append(" Cancelled transactions (conflicts) are not in the formula: their number is")
                .append(" the TransactWriteItems requests beyond one per event.\n");
        return sb.toString();
    }

    private static Outcome find(List<Outcome> outcomes, String key) {
        return outcomes.stream().filter(o -> o.mode().key().equals(key)).findFirst().orElseThrow();
    }

    private static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
