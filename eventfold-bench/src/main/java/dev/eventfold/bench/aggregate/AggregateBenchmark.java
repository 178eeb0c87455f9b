package dev.eventfold.bench.aggregate;

import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.AggregateState;
import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.SnapshotCodec;
import dev.eventfold.aggregate.SnapshotPolicy;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.dynamodb.snapshot.DynamoDbSnapshotStore;
import dev.eventfold.replay.ReplayReport;
import dev.eventfold.replay.ReplaySelector;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.replay.Replayer;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.MotoServer;
import dev.eventfold.testkit.RequestCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The aggregate benchmark of issue 5, against single-threaded moto on loopback: the load time of
 * an aggregate with 10,000 events folded from every event and from a snapshot (target: under a
 * tenth), and replay throughput at a rate limit into a counting sink. Writes
 * {@code bench/results/aggregate.md}.
 *
 * <p>Run: {@code ./scripts/bench.sh aggregate}
 */
public final class AggregateBenchmark {
    private static final int EVENTS = 10_000;
    private static final int TAIL = 50;
    private static final int RUNS = 5;
    private static final int REPLAY_EVENTS = 2_000;
    private static final double REPLAY_RATE = 200;

    record Balance(long balance, long count) {
        static final Balance ZERO = new Balance(0, 0);

        Balance apply(EventRecord e) {
            return new Balance(balance + e.payload().path("amount").longValue(), count + 1);
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/aggregate.md");
        try (MotoServer moto = MotoServer.start()) {
            AwsTestEnvironment aws = AwsTestEnvironment.forEmulator(moto.endpoint());
            RequestCounter requests = new RequestCounter();
            String table = AwsTestEnvironment.uniqueName("bench-agg");
            EventTable.create(aws.dynamoDb(), table);
            DynamoDbEventStore store = DynamoDbEventStore.builder().client(aws.dynamoDb(requests)).tableName(table).build();
            DynamoDbSnapshotStore snapshots = DynamoDbSnapshotStore.builder().client(aws.dynamoDb(requests)).tableName(table).build();

            AggregateRef ref = AggregateRef.of("wallet", "bench-" + table);
            long t0 = System.nanoTime();
            appendMany(store, ref, 0, EVENTS - TAIL);
            double setup = seconds(t0);
            System.err.printf("appended %d events in %.1f s%n", EVENTS - TAIL, setup);

            AggregateType<Balance> plainType = AggregateType.<Balance>builder("wallet").initialState(Balance.ZERO)
                    .evolve(Balance::apply).build();
            AggregateType<Balance> snapType = AggregateType.<Balance>builder("wallet").initialState(Balance.ZERO)
                    .evolve(Balance::apply)
                    .snapshots(SnapshotPolicy.everyEvents(1000), SnapshotCodec.jackson(Balance.class, 1)).build();
            var plain = AggregateRepository.builder(store, plainType).build();
            var snapped = AggregateRepository.builder(store, snapType).snapshotStore(snapshots).build();

            // A snapshot 50 events before the end, as a policy of "every N" leaves it on average.
            snapped.writeSnapshot(snapped.load(ref));
            appendMany(store, ref, EVENTS - TAIL, TAIL);

            plain.load(ref); // warm-up
            double[] plainMs = new double[RUNS];
            long plainRequests = 0;
            AggregateState<Balance> full = null;
            for (int i = 0; i < RUNS; i++) {
                requests.reset();
                long t = System.nanoTime();
                full = plain.load(ref);
                plainMs[i] = millis(t);
                plainRequests = requests.total();
            }
            snapped.load(ref);
            double[] snapMs = new double[RUNS];
            long snapRequests = 0;
            AggregateState<Balance> fromSnapshot = null;
            for (int i = 0; i < RUNS; i++) {
                requests.reset();
                long t = System.nanoTime();
                fromSnapshot = snapped.load(ref);
                snapMs[i] = millis(t);
                snapRequests = requests.total();
            }
            System.err.printf("loads: full %.1f ms, snapshot %.1f ms%n", median(plainMs), median(snapMs));
            if (!full.state().equals(fromSnapshot.state()) || full.version() != EVENTS) {
                throw new IllegalStateException("snapshot load differs from the full fold");
            }

            // Replay: throughput at a rate limit, and unlimited, into a sink that only counts.
            AtomicLong sent = new AtomicLong();
            ReplaySink counting = events -> {
                sent.addAndGet(events.size());
                return ReplaySink.Result.OK;
            };
            ReplaySelector slice = ReplaySelector.aggregate(ref).versions(0, REPLAY_EVENTS);
            ReplayReport limited = Replayer.builder(store).sink(counting).rateLimit(REPLAY_RATE).build().run(slice);
            ReplayReport unlimited = Replayer.builder(store).sink(counting).build().run(slice);

            double plainMedian = median(plainMs);
            double snapMedian = median(snapMs);
            List<String> lines = new ArrayList<>();
            lines.add("# Aggregate benchmark");
            lines.add("");
            lines.add("Measured " + Instant.now() + " against single-threaded moto on loopback (`./scripts/bench.sh aggregate`).");
            lines.add("Absolute times are moto's, not DynamoDB's; the ratio and the request counts carry over.");
            lines.add("");
            lines.add("## Load of one aggregate with " + EVENTS + " events (median of " + RUNS + " loads)");
            lines.add("");
            lines.add("| load | median ms | min ms | DynamoDB requests | events folded |");
            lines.add("|---|---:|---:|---:|---:|");
            lines.add(String.format("| every event | %.1f | %.1f | %d | %d |", plainMedian, min(plainMs), plainRequests, full.eventsFolded()));
            lines.add(String.format("| snapshot at v%d + tail | %.1f | %.1f | %d | %d |", EVENTS - TAIL, snapMedian, min(snapMs),
                    snapRequests, fromSnapshot.eventsFolded()));
            lines.add("");
            lines.add(String.format("With the snapshot the load takes **%.1f%%** of the full fold (target: under 10%%): %s.",
                    100 * snapMedian / plainMedian, snapMedian < plainMedian / 10 ? "met" : "NOT met"));
            lines.add("");
            lines.add(String.format("Setup: %d events appended in %d-event transactions in %.1f s.", EVENTS,
                    AppendRequest.MAX_EVENTS, setup));
            lines.add("");
            lines.add("## Replay throughput (" + REPLAY_EVENTS + " events of one aggregate, batches of 10, counting sink)");
            lines.add("");
            lines.add("| rate limit | events | seconds | events/s |");
            lines.add("|---|---:|---:|---:|");
            lines.add(String.format("| %.0f events/s | %d | %.2f | %.0f |", REPLAY_RATE, limited.published(),
                    limited.elapsed().toNanos() / 1e9, limited.published() * 1e9 / limited.elapsed().toNanos()));
            lines.add(String.format("| none | %d | %.2f | %.0f |", unlimited.published(), unlimited.elapsed().toNanos() / 1e9,
                    unlimited.published() * 1e9 / unlimited.elapsed().toNanos()));
            lines.add("");
            lines.add("The unlimited row is the ceiling of reading from the store through moto; a real sink adds its own latency.");
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, String.join("\n", lines) + "\n");
            System.out.println(String.join("\n", lines));
        }
    }

    private static void appendMany(DynamoDbEventStore store, AggregateRef ref, long from, int count) {
        long v = from;
        long end = from + count;
        while (v < end) {
            int n = (int) Math.min(AppendRequest.MAX_EVENTS, end - v);
            List<NewEvent> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(NewEvent.builder().eventId("evt-" + ref.aggregateId() + "-" + (v + i + 1))
                        .eventType(i % 5 == 0 ? "Wallet.Withdrawn" : "Wallet.Funded")
                        .payload(Map.of("amount", (v + i) % 100)).build());
            }
            v = store.appendEvents(ref, v, batch).version();
            if (v % 990 == 0) {
                System.err.println("  appended up to version " + v);
            }
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(0);
    }

    private static double millis(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
