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
import java.util.List;
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
 * (or java -cp with the module's classpath). The cold-start part needs moto (.venv, as the tests).
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

    // ---- cold start in a fresh JVM ----

    static void coldStart(StringBuilder md) throws Exception {
        md.append("## Cold start (fresh JVM to first handled record, handler and SDK clients included)\n\n")
                .append("| handler | JVM start to handled (ms, median of 3) | process wall time (ms) |\n|---|---|---|\n");
        md.append(cold("SQS listener (`SqsListenerHandler`)", "sqs", Map.of()));
        try (MotoServer moto = MotoServer.start()) {
            SqsClient sqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            String fifo = sqs.createQueue(r -> r.queueName("cold.fifo").attributesWithStrings(Map.of("FifoQueue", "true"))).queueUrl();
            String plain = sqs.createQueue(r -> r.queueName("cold")).queueUrl();
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                    "QUEUE_URL_LIST", "[\"" + fifo + "\",\"" + plain + "\"]");
            md.append(cold("prebuilt stream fan-out (`EnvStreamFanOutHandler`), 2 queues on moto", "stream", env));
        } catch (RuntimeException e) {
            md.append("| prebuilt stream fan-out | not measured: ").append(e.getMessage()).append(" | |\n");
        }
        md.append("\nJVM flags of the child: `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC` as Lambda's Java runtime ")
                .append("recommends for short functions; no SnapStart (it would restore a primed snapshot instead).\n");
    }

    private static String cold(String label, String mode, Map<String, String> env) throws Exception {
        long[] inJvm = new long[3];
        long[] wall = new long[3];
        for (int i = 0; i < 3; i++) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    ColdStartMain.class.getName(), mode).redirectErrorStream(true);
            pb.environment().putAll(env);
            long t = System.nanoTime();
            Process p = pb.start();
            String line;
            long reported = -1;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("COLD ")) {
                        reported = Long.parseLong(line.substring(5).trim());
                    }
                }
            }
            p.waitFor();
            wall[i] = (System.nanoTime() - t) / 1_000_000;
            inJvm[i] = reported;
        }
        Arrays.sort(inJvm);
        Arrays.sort(wall);
        return "| " + label + " | " + inJvm[1] + " | " + wall[1] + " |\n";
    }
}
