package dev.eventfold.bench.process;

import dev.eventfold.bench.BenchResults;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.MotoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * The benchmark of reactions and process managers, against single-threaded moto on loopback and
 * on the embedded runtime. In one run: DynamoDB requests per reaction (1 and 2 outgoing events,
 * first delivery and redeliveries); requests per saga step of the demo's wallet transfer, driven by
 * hand; and {@value #TRANSFERS} transfers end to end through the queue path on the embedded runtime
 * and on moto, audited afterwards (money conserved, each transfer ended exactly once, as planned).
 * Writes {@code bench/results/process.md}.
 *
 * <pre>{@code
 * ./scripts/bench.sh process
 * java -cp <bench class path> -Deventfold.process.transfers=200 dev.eventfold.bench.process.ProcessBench  # an experiment
 * }</pre>
 * With {@code eventfold.process.transfers} or {@code eventfold.process.reactions} set, the report is
 * printed and {@code bench/results/} keeps the last full run.
 */
public final class ProcessBench {
    static final int TRANSFERS = 1_000;
    static final int REACTIONS = 200;
    static final int WALLETS = 100;
    static final int FROZEN_WALLETS = 5;
    /** Every 20th transfer (5%) goes to a frozen wallet and is compensated. */
    static final int FROZEN_EVERY = 20;
    static final int STEP_TRANSFERS = 60;
    static final long SEED = 20261202L;
    /** Past this, moto's run is reported as too slow and a smaller one is run too. */
    static final Duration MOTO_BUDGET = Duration.ofMinutes(3);
    static final int SMALLER_TRANSFERS = 200;
    /**
     * Records the listener runs at once. 1 on both runtimes: on moto a second worker means conflicts
     * between commands on one wallet, and after a cancelled TransactWriteItems moto's rollback puts
     * a copy of the table (and of its stream shard) in place, so the poller's open iterator never
     * sees another record. The embedded runtime is also measured with {@link #CONCURRENT_LISTENER}.
     */
    static final int LISTENER_CONCURRENCY = 1;
    /** The listener's default, and Lambda's batch size for SQS. */
    static final int CONCURRENT_LISTENER = 10;

    private ProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        int transfers = Integer.getInteger("eventfold.process.transfers", TRANSFERS);
        int reactions = Integer.getInteger("eventfold.process.reactions", REACTIONS);
        boolean experiment = transfers != TRANSFERS || reactions != REACTIONS;
        try (MotoServer moto = MotoServer.start()) {
            AwsTestEnvironment aws = AwsTestEnvironment.forEmulator(moto.endpoint());
            progress("reactions: %d incoming events, 1 and 2 outgoing", reactions);
            List<Tally.Cost> reactionCosts = ReactionCost.measure(aws, reactions);
            progress("saga steps: %d transfers by hand", STEP_TRANSFERS);
            List<Tally.Cost> stepCosts = StepCost.measure(aws, STEP_TRANSFERS, FROZEN_EVERY);

            // JIT and the listener's threads, outside the measured embedded runs.
            TransferRun.run(new EmbeddedTransferRuntime(), plan("warm", transfers / 5), LISTENER_CONCURRENCY,
                    Duration.ofMinutes(2));
            progress("%d transfers on the embedded runtime", transfers);
            TransferRun.Result embedded = TransferRun.run(new EmbeddedTransferRuntime(), plan("emb", transfers),
                    LISTENER_CONCURRENCY, Duration.ofMinutes(5));
            progress("  %.2f s; again with listener concurrency %d", embedded.seconds(), CONCURRENT_LISTENER);
            TransferRun.Result embeddedConcurrent = TransferRun.run(new EmbeddedTransferRuntime(), plan("emb10", transfers),
                    CONCURRENT_LISTENER, Duration.ofMinutes(5));
            progress("  %.2f s", embeddedConcurrent.seconds());
            progress("%d transfers on moto", transfers);
            TransferRun.Result onMoto = TransferRun.run(new MotoTransferRuntime(aws), plan("moto", transfers),
                    LISTENER_CONCURRENCY, Duration.ofMinutes(30));
            progress("  %.1f s", onMoto.seconds());
            Optional<TransferRun.Result> smaller = Optional.empty();
            if (onMoto.seconds() > MOTO_BUDGET.toSeconds() && transfers > SMALLER_TRANSFERS) {
                progress("%d transfers on moto (the full run took more than %d min)", SMALLER_TRANSFERS,
                        MOTO_BUDGET.toMinutes());
                smaller = Optional.of(TransferRun.run(new MotoTransferRuntime(aws), plan("small", SMALLER_TRANSFERS),
                        LISTENER_CONCURRENCY, Duration.ofMinutes(10)));
            }
            String md = ProcessReport.markdown(new ProcessReport.Inputs(reactions, STEP_TRANSFERS, FROZEN_EVERY, WALLETS,
                    FROZEN_WALLETS, SEED, MOTO_BUDGET), reactionCosts, stepCosts, embedded, embeddedConcurrent, onMoto,
                    smaller);
            System.out.println(md);
            if (!experiment) {
                Path written = BenchResults.write("process.md", md);
                System.out.println("written to " + written.toAbsolutePath());
            }
        }
    }

    private static TransferPlan plan(String runId, int transfers) {
        return TransferPlan.generate(runId, WALLETS, FROZEN_WALLETS, transfers, FROZEN_EVERY, new Random(SEED));
    }

    private static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
