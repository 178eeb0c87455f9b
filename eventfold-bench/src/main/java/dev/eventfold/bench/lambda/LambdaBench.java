package dev.eventfold.bench.lambda;

import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.fanout.EntryFailure;
import dev.eventfold.fanout.FanOutOutcome;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.fanout.StreamRecord;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.testkit.MotoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Benchmarks of the Lambda runtime; writes bench/results/lambda.md. Run from the repository
 * root: {@code mvn -q -o -pl eventfold-bench exec:java -Dexec.mainClass=dev.eventfold.bench.lambda.LambdaBench}
 * (or java -cp with the module's classpath). The cold-start part needs moto (.venv, as the tests)
 * and the prebuilt jar, {@code eventfold-lambda/target/eventfold-lambda.jar} (./scripts/bench.sh
 * builds it). {@code EVENTFOLD_BENCH_BASELINE_JAR=path/to/other/eventfold-lambda.jar} measures
 * another build of that jar beside it (size and cold starts), e.g. the one before a change, named
 * in the tables by {@code EVENTFOLD_BENCH_BASELINE_LABEL}.
 */
public final class LambdaBench {
    private LambdaBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/lambda.md");
        StringBuilder md = new StringBuilder("# Lambda runtime benchmark\n\n")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(". Shared machine: numbers are indicative.\n\n");
        fanOut(md);
        listener(md);
        coldStart(md);
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    // ---- fan-out: requests sent vs the minimum, and time ----

    static List<StreamRecord> records(int n, int payloadChars, int aggregates) {
        String text = "x".repeat(payloadChars);
        List<StreamRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode item = EventItems.toItemJson(EventRecord.builder().aggregate("wallet", "w" + (i % aggregates))
                    .version(i / aggregates + 1)
                    .eventId("evt-" + i).eventType("Wallet.Funded").source("billing").occurredAt("2026-11-27T16:05:59.123Z")
                    .payload(EventJson.mapper().createObjectNode().put("text", text)).build());
            out.add(StreamRecord.insert(Integer.toString(i + 1), item));
        }
        return out;
    }

    static void fanOut(StringBuilder md) {
        md.append("## Fan-out of 1,000 stream records to 3 queues (one FIFO) and a bus\n\n")
                .append("In-process publishers that accept every entry: the numbers are the fan-out's own work ")
                .append("(filter, JSON, batching), not the network. Minimum = the sum over destinations of: ")
                .append("standard queue and bus, ceil(n / k) with k = min(10, entries that fit the quota); ")
                .append("FIFO queue, max(ceil(n / k), largest aggregate's event count), since a FIFO request holds ")
                .append("at most one entry per aggregate (message group) so that a retried entry is never ")
                .append("overtaken by a later one of its aggregate. The FIFO minimum therefore depends on how ")
                .append("the events spread over aggregates: evenly over 50 below, then all in 5 aggregates.\n\n")
                .append("| events | aggregates | quota | requests sent (FIFO queue) | minimum (FIFO queue) | time (ms, best of 5) |\n")
                .append("|---|---|---|---|---|---|\n");
        int[][] cases = {{100, StreamFanOut.DEFAULT_REQUEST_BYTES, 50}, {100_000, StreamFanOut.DEFAULT_REQUEST_BYTES, 50},
                {100_000, StreamFanOut.LEGACY_REQUEST_BYTES, 50}, {100, StreamFanOut.DEFAULT_REQUEST_BYTES, 5}};
        for (int[] c : cases) {
            List<StreamRecord> recs = records(1000, c[0], c[2]);
            long best = Long.MAX_VALUE;
            int requests = 0;
            int fifoRequests = 0;
            for (int run = 0; run < 5; run++) {
                AtomicInteger n = new AtomicInteger();
                try (StreamFanOut f = StreamFanOut.builder()
                        .queues(List.of("https://q/a.fifo", "https://q/b", "https://q/c")).bus("bus")
                        .queuePublisher((url, e) -> count(n)).busPublisher((b, e) -> count(n))
                        .requestBytes(c[1]).build()) {
                    long t = System.nanoTime();
                    FanOutOutcome o = f.handle(recs);
                    best = Math.min(best, (System.nanoTime() - t) / 1_000_000);
                    requests = o.totalRequests();
                    fifoRequests = o.requests().get("queue:https://q/a.fifo");
                }
            }
            long body = EventJson.write(recs.get(0).newImage().get()).getBytes(StandardCharsets.UTF_8).length;
            long queuePerRequest = Math.min(10, c[1] / body);
            long busPerRequest = Math.min(10, c[1] / (body + 30)); // bus entries are ~30 bytes larger than bodies
            long standard = (long) Math.ceil(1000.0 / queuePerRequest);
            long largestAggregate = (long) Math.ceil(1000.0 / c[2]);
            long fifoMinimum = Math.max(standard, largestAggregate);
            long minimum = fifoMinimum + 2 * standard + (long) Math.ceil(1000.0 / busPerRequest);
            md.append("| 1,000 x ").append(body).append(" B | ").append(c[2]).append(" | ").append(c[1] / 1024)
                    .append(" KiB | ").append(requests).append(" (").append(fifoRequests).append(") | ").append(minimum)
                    .append(" (").append(fifoMinimum).append(") | ").append(best).append(" |\n");
        }
        md.append('\n');
    }

    private static List<EntryFailure> count(AtomicInteger n) {
        n.incrementAndGet();
        return List.of();
    }

    // ---- listener: 10 groups x 50 ms, and heap for 10 x 1 MiB ----

    static String body(String id, String group, int payloadChars) {
        return EventItems.toMessageBody(EventRecord.builder().aggregate("wallet", group).version(1).eventId(id)
                .eventType("Wallet.Funded").occurredAt("2026-11-27T16:05:59.123Z")
                .payload(EventJson.mapper().createObjectNode().put("text", "y".repeat(payloadChars))).build());
    }

    static void listener(StringBuilder md) throws Exception {
        List<QueueMessage> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(QueueMessage.fifo("m" + i, body("evt-" + i, "g" + i, 10), "g" + i));
        }
        long[] times = new long[7];
        try (EventListener l = EventListener.builder().on("Wallet.Funded", e -> Thread.sleep(50)).build()) {
            for (int run = 0; run < times.length; run++) {
                long t = System.nanoTime();
                l.handle(batch);
                times[run] = (System.nanoTime() - t) / 1_000_000;
            }
        }
        Arrays.sort(times);
        List<QueueMessage> big = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            big.add(QueueMessage.fifo("m" + i, body("evt-" + i, "g" + i, 1024 * 1024 - 400), "g" + i));
        }
        System.gc();
        Thread.sleep(200);
        resetPeaks();
        long before = used();
        try (EventListener l = EventListener.builder().on("Wallet.Funded", e -> e.payload().get("text").textValue().length())
                .build()) {
            l.handle(big);
        }
        long peak = peakUsed();
        md.append("## Listener\n\n")
                .append("| case | result |\n|---|---|\n")
                .append("| 10 records in 10 groups, handler sleeps 50 ms: wall time (median of 7) | ")
                .append(times[times.length / 2]).append(" ms (min ").append(times[0]).append(", max ")
                .append(times[times.length - 1]).append("); one after another would be 500 ms |\n")
                .append("| 10 bodies of 1 MiB (10 MiB of input strings held by the batch): heap peak above the batch | ")
                .append((peak - before) / (1024 * 1024)).append(" MiB (peak ").append(peak / (1024 * 1024))
                .append(" MiB, before ").append(before / (1024 * 1024)).append(" MiB) |\n\n");
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakUsed() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    // ---- cold start in a fresh JVM, and the prebuilt jar ----

    static final Path PREBUILT_JAR = Path.of("eventfold-lambda", "target", "eventfold-lambda.jar");
    static final int COLD_RUNS = 7;

    /** Where the child JVM finds its classes, and what the table calls that. */
    record ClassPath(String label, String path) {
    }

    static void coldStart(StringBuilder md) throws Exception {
        List<ClassPath> classPaths = new ArrayList<>();
        classPaths.add(new ClassPath("bench class path (slf4j-nop: no logging)", System.getProperty("java.class.path")));
        // ColdStartMain uses only classes the prebuilt jar holds: the jar is the whole class path but for this one class
        String harness = Path.of(ColdStartMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String sep = System.getProperty("path.separator");
        Map<String, Long> jarSizes = new LinkedHashMap<>();
        if (Files.isRegularFile(PREBUILT_JAR)) {
            classPaths.add(new ClassPath("`eventfold-lambda.jar` alone (its logging: Log4j 2, Lambda appender)",
                    PREBUILT_JAR.toAbsolutePath() + sep + harness));
            jarSizes.put("`target/eventfold-lambda.jar` (this build)", Files.size(PREBUILT_JAR));
        }
        String baseline = System.getenv("EVENTFOLD_BENCH_BASELINE_JAR");
        if (baseline != null && !baseline.isBlank() && Files.isRegularFile(Path.of(baseline))) {
            String name = System.getenv().getOrDefault("EVENTFOLD_BENCH_BASELINE_LABEL",
                    "baseline `" + Path.of(baseline).getFileName() + "`");
            classPaths.add(new ClassPath(name + ", alone", Path.of(baseline).toAbsolutePath() + sep + harness));
            jarSizes.put(name, Files.size(Path.of(baseline)));
        }

        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        md.append("## Cold start (fresh JVM to first handled record, handler and SDK clients included)\n\n")
                .append("Init: JVM start to the handler built, as Lambda's init phase (class loading, configuration, ")
                .append("the logging provider's start). First record: JVM start to the first invocation done (the ")
                .append("fan-out also builds its SDK clients and sends). Medians of ").append(COLD_RUNS).append(" fresh JVMs per row, ")
                .append("the class paths taking turns (a busy machine slows them alike); load average when they started: ")
                .append(String.format(Locale.ROOT, "%.1f", load)).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores.\n\n")
                .append("| handler | class path | init (ms) | first record handled (ms) | process wall time (ms) |\n")
                .append("|---|---|---|---|---|\n");
        md.append(cold("SQS listener (`SqsListenerHandler`)", "sqs", classPaths, Map.of()));
        try (MotoServer moto = MotoServer.start()) {
            SqsClient sqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            String fifo = sqs.createQueue(r -> r.queueName("cold.fifo").attributesWithStrings(Map.of("FifoQueue", "true"))).queueUrl();
            String plain = sqs.createQueue(r -> r.queueName("cold")).queueUrl();
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                    "QUEUE_URL_LIST", "[\"" + fifo + "\",\"" + plain + "\"]");
            md.append(cold("prebuilt stream fan-out (`EnvStreamFanOutHandler`), 2 queues on moto", "stream", classPaths, env));
        } catch (RuntimeException e) {
            md.append("| prebuilt stream fan-out | | not measured: ").append(e.getMessage()).append(" | | |\n");
        }
        md.append("\nJVM flags of the child: `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC` as Lambda's Java runtime ")
                .append("recommends for short functions; no SnapStart (it would restore a primed snapshot instead).\n\n");

        md.append("## The prebuilt fan-out jar\n\n")
                .append("What `EnvStreamFanOutHandler` is deployed from: the SDK's SQS and EventBridge clients on the ")
                .append("URL-connection HTTP client and the logging provider (ADR 0009); no Netty or Apache HTTP client, ")
                .append("no joda-time, no SDK DynamoDB client (the fan-out reads its records from the Lambda event). ")
                .append("`PrebuiltJarIT` fails the build above 14,000,000 bytes.\n\n")
                .append("| jar | bytes | MiB |\n|---|---|---|\n");
        jarSizes.forEach((label, bytes) -> md.append("| ").append(label).append(" | ")
                .append(String.format(Locale.ROOT, "%,d", bytes)).append(" | ")
                .append(String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0))).append(" |\n"));
        if (baseline == null || baseline.isBlank()) {
            md.append("| before the unused HTTP clients and joda-time were left out (2026-12-02, no logging provider) | 20,816,581 | 19.9 |\n");
        }
    }

    /** One row per class path; the runs of the class paths alternate. */
    private static String cold(String label, String mode, List<ClassPath> classPaths, Map<String, String> env)
            throws Exception {
        int n = classPaths.size();
        long[][] init = new long[n][COLD_RUNS];
        long[][] inJvm = new long[n][COLD_RUNS];
        long[][] wall = new long[n][COLD_RUNS];
        for (int i = 0; i < COLD_RUNS; i++) {
            for (int c = 0; c < n; c++) {
                long[] run = coldRun(label, mode, classPaths.get(c), env);
                init[c][i] = run[0];
                inJvm[c][i] = run[1];
                wall[c][i] = run[2];
            }
        }
        StringBuilder rows = new StringBuilder();
        int m = COLD_RUNS / 2;
        for (int c = 0; c < n; c++) {
            Arrays.sort(init[c]);
            Arrays.sort(inJvm[c]);
            Arrays.sort(wall[c]);
            rows.append("| ").append(label).append(" | ").append(classPaths.get(c).label()).append(" | ")
                    .append(init[c][m]).append(" | ").append(inJvm[c][m]).append(" | ").append(wall[c][m]).append(" |\n");
        }
        return rows.toString();
    }

    /** One fresh JVM: milliseconds to the handler built, to the record handled, and of the whole process. */
    private static long[] coldRun(String label, String mode, ClassPath cp, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp.path(),
                ColdStartMain.class.getName(), mode).redirectErrorStream(true);
        pb.environment().putAll(env);
        long t = System.nanoTime();
        Process p = pb.start();
        String line;
        long reported = -1;
        long initReported = -1;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            while ((line = r.readLine()) != null) {
                if (line.startsWith("COLD ")) {
                    reported = Long.parseLong(line.substring(5).trim());
                } else if (line.startsWith("INIT ")) {
                    initReported = Long.parseLong(line.substring(5).trim());
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        p.waitFor();
        long wall = (System.nanoTime() - t) / 1_000_000;
        if (reported < 0) {
            throw new IllegalStateException(label + " on " + cp.label() + " did not finish: " + output);
        }
        return new long[] {initReported, reported, wall};
    }
}
