package dev.eventfold.dynamodb.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.fleet.FaultProxy;
import dev.eventfold.testkit.fleet.FaultProxy.Fault;
import dev.eventfold.testkit.fleet.Fleet;
import dev.eventfold.testkit.fleet.FleetReport;
import dev.eventfold.testkit.fleet.FleetResult;
import dev.eventfold.testkit.fleet.FleetVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Writers that meet only in the table, as Lambda instances do: 4 separate JVMs, each with its own
 * dispatcher and client, dispatch 30 events each (2 threads) over 3 hot aggregates through a
 * {@link FaultProxy} that injects every fault kind at modest rates; one writer is killed with
 * {@code kill -9} once it acknowledged 10 events and restarted to resubmit everything it never
 * acknowledged. Then a raw scan checks the table against every acknowledgement: none lost, no
 * event id twice, versions 1..n without gap, heads matching; and every process exited 0.
 * Give-ups (dispatches that ran out of attempts) and the injected faults are printed, not hidden:
 * a give-up is a reported outcome, a duplicate or a lost acknowledgement is a failure.
 *
 * <p>The writers get one SDK attempt per call, so every injected fault reaches the dispatcher
 * (with the SDK's retries most would be absorbed below it), and a 1.5 s attempt timeout, which
 * the proxy's held answers outlast.
 */
@ExtendWith(AwsExtension.class)
class FleetFaultTest {
    private static final int PROCESSES = 4;
    private static final int PER_PROCESS = 30;
    private static final int AGGREGATES = 3;
    private static final int KILLED = 1;
    private static final int KILL_AFTER_ACKS = 10;
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(1500);
    private static final List<String> OPERATIONS = List.of("TransactWriteItems", "GetItem");

    /** Caller-supplied ids (evt-<process>-<n>, key = id) on the store's defaults (idempotency records on). */
    @Test
    @Timeout(value = 75, unit = TimeUnit.SECONDS)
    void caller_ids_with_the_store_defaults_land_once_whatever_fails(AwsTestEnvironment aws, @TempDir Path dir) throws Exception {
        run(aws, dir, 11, List.of("--ids=caller"));
    }

    /**
     * Dispatcher-generated ids with {@code idempotencyRecords(false)}: what DESIGN.md recommends for
     * ids nobody else can repeat. Only the head and the claimed version can then recognise a repeat.
     * The restarted writer cannot know the ids its killed predecessor's dispatcher generated, so it
     * resubmits those items with new ids: an event that had landed unacknowledged shows up as an
     * unacknowledged event in the report (at-least-once delivery, DESIGN.md), never as a violation.
     */
    @Test
    @Timeout(value = 75, unit = TimeUnit.SECONDS)
    void generated_ids_without_idempotency_records_land_once_whatever_fails(AwsTestEnvironment aws, @TempDir Path dir) throws Exception {
        run(aws, dir, 12, List.of("--ids=generated", "--idempotency-records=false"));
    }

    private void run(AwsTestEnvironment aws, Path dir, long seed, List<String> variant) throws Exception {
        assumeThat(aws.isEmulator()).as("the fault proxy forwards to an emulator on loopback").isTrue();
        String table = AwsTestEnvironment.uniqueName("fleet");
        DynamoDbClient direct = aws.dynamoDb();
        EventTable.create(direct, table);
        FaultProxy.Rates rates = FaultProxy.Rates.builder()
                .rate(OPERATIONS, Fault.LOST_RESPONSE, 0.03)
                .rate(OPERATIONS, Fault.RESET, 0.02)
                .rate(OPERATIONS, Fault.TIMEOUT, 0.01)
                .rate(OPERATIONS, Fault.THROTTLE, 0.03)
                .rate(OPERATIONS, Fault.SERVER_ERROR, 0.02)
                .rate(OPERATIONS, Fault.SERVER_ERROR_AFTER, 0.02)
                .rate("TransactWriteItems", Fault.TRANSACTION_CONFLICT, 0.03)
                .resendConflictRate(0.5)
                .build();
        List<String> args = new ArrayList<>(List.of(
                "--table=" + table,
                "--store-factory=" + DynamoDbFleetStores.class.getName(),
                "--aggregates=" + AGGREGATES,
                "--threads=2",
                "--attempt-timeout-ms=" + ATTEMPT_TIMEOUT.toMillis(),
                "--sdk-attempts=1"));
        args.addAll(variant);
        try (FaultProxy proxy = FaultProxy.builder().upstream(aws.endpoint().orElseThrow()).rates(rates).seed(seed)
                .holdFor(ATTEMPT_TIMEOUT.plusSeconds(1)).start()) {
            args.add("--endpoint=" + proxy.endpoint());
            FleetResult result;
            try (Fleet fleet = Fleet.builder().workDir(dir).processes(PROCESSES).dispatchesPerProcess(PER_PROCESS)
                    .writerArgs(args).killAfterAcks(KILLED, KILL_AFTER_ACKS)
                    .deadline(Duration.ofSeconds(55)).writerDeadline(Duration.ofSeconds(45)).build()) {
                result = fleet.run(); // closing the fleet kills whatever still runs, also when this throws
            }
            FleetReport report = FleetVerifier.verify(direct, table, result.acks());
            System.out.println("== FleetFaultTest " + variant + "\n" + result.describe() + "proxy: " + proxy.summary()
                    + "\n" + report.describe() + "give-ups: " + result.giveUps().size()
                    + ", duplicates: " + report.violations(FleetReport.Kind.DUPLICATE_EVENT_ID).size()
                    + explain(report, proxy));

            assertThat(result.timedOut()).as("fleet finished before its deadline").isFalse();
            assertThat(result.killed()).as("writer %d was killed partway", KILLED).isTrue();
            assertThat(result.badExits()).as("every process that was not killed exited 0").isEmpty();
            assertThat(result.resubmitted()).as("the killed writer left items to resubmit").isNotEmpty();
            assertThat(report.violations()).as(report.describe()).isEmpty();
            assertThat(proxy.injected().values().stream().mapToLong(Long::longValue).sum())
                    .as("the proxy injected faults at its rates (%s)", proxy.summary())
                    .isGreaterThanOrEqualTo(20);
            assertThat(proxy.upstreamFailures()).as("moto answered every forwarded request").isZero();
        } finally {
            direct.deleteTable(b -> b.tableName(table));
        }
    }

    /** For each duplicate: the faults the proxy injected on transactions writing either copy. */
    private static String explain(FleetReport report, FaultProxy proxy) {
        StringBuilder sb = new StringBuilder();
        for (FleetReport.Violation v : report.violations(FleetReport.Kind.DUPLICATE_EVENT_ID)) {
            sb.append("\n").append(v);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(AGG#[^ ,\\]]+) v(\\d+)").matcher(v.detail());
            while (m.find()) {
                String sk = String.format("EVT#%09d", Long.parseLong(m.group(2)));
                for (FaultProxy.Injection i : proxy.log(m.group(1) + "|" + sk)) {
                    sb.append("\n    ").append(sk).append(": ").append(i.fault()).append(" at ").append(i.atMs())
                            .append(" on a transaction of ").append(i.items());
                }
            }
        }
        return sb.toString();
    }
}
