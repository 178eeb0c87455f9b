package dev.eventfold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's first command: the wallet story, in memory and on DynamoDB, SQS and EventBridge. */
class DemoTest {

    static void assertTheStoryWasTold(CliRun r) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("1. Typed dispatchers (interface WalletEvents) append three events")
                .containsPattern("v1  Wallet\\.Funded +\\+50\\.00")
                .containsPattern("v3  Wallet\\.Withdrawn +-12\\.00")
                .contains("balance 63.00 (checkpoint v3)")
                .contains(": 3 events in the audit log")
                .contains("3. The decider accepts a withdrawal of 3.00", "APPENDED at v4, balance 60.00")
                .contains("The same command sent again: ALREADY_HANDLED")
                .contains("4. The decider rejects a withdrawal of 100.00: insufficient_funds")
                .contains("Nothing written: still v4, 0 appends.")
                .contains("published 1 of 1")
                .contains("received v2 (meta.replay = true) and skipped it: ALREADY_APPLIED, checkpoint v4. Balance still 60.00.")
                .containsPattern("6\\. A process manager \\(\"transfers\"\\) moves money between wallets, fed by the queue \\S*processes")
                .containsPattern("tr-\\w+-1 25\\.00 from wal-\\w+ to wal-\\w+-b: Requested > Debiting > Crediting > Completed\n")
                .containsPattern("tr-\\w+-2 10\\.00 from wal-\\w+ to wal-\\w+-c: Requested > Debiting > Crediting > Refunding"
                        + " > Compensated \\(frozen\\)")
                .containsPattern("Each step and each wallet command once: 14 appends; wal-\\w+ 35\\.00, wal-\\w+-b 25\\.00,"
                        + " wal-\\w+-c 0\\.00\\.")
                .containsPattern("delivered again: ALREADY_STEPPED, commands \\[ALREADY_HANDLED\\], 0 appends\\.")
                .contains("What caused what: Transfer.Requested > Transfer.Debiting > Wallet.Withdrawn > Transfer.Crediting"
                        + " > Wallet.Deposited > Transfer.Completed.")
                .contains("Their expiry deadlines fired late: [IGNORED] (the transfers had ended).")
                .containsPattern("7\\. verify: .*18 events, no defects")
                .containsPattern("holds 35\\.00 at version 7 .*the projection says 35\\.00 at checkpoint v7; the audit log has 7 events")
                .doesNotContain("did not go as told");
    }

    @Test
    void the_in_memory_demo_tells_the_wallet_story_with_no_setup() {
        CliRun r = CliRun.run("demo");
        assertTheStoryWasTold(r);
        assertThat(r.out()).contains("on the embedded in-memory runtime", "requests: none");
    }

    @Nested
    @ExtendWith(AwsExtension.class)
    class OnAws {
        @Test
        void the_same_story_runs_on_dynamodb_sqs_and_eventbridge(AwsTestEnvironment aws) {
            CliRun r = aws.isEmulator() ? CliRun.on(aws, "demo") : CliRun.on(aws, "demo", "--aws");
            assertTheStoryWasTold(r);
            assertThat(r.out()).contains("created table eventfold-demo-", "created FIFO queue", "with a rule (source = billing)")
                    // 18 events, 18 transactions: the rejected and the repeated commands, the redelivered
                    // transfer request and the late deadlines wrote nothing
                    .containsPattern("DynamoDb \\d+: .*TransactWriteItems 18")
                    .contains("deleted on exit");
        }
    }
}
