package dev.eventfold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad arguments end in one line on stderr and exit code 2, before any request: no endpoint is
 * reachable at 127.0.0.1:1, so a request would fail differently (exit 1).
 */
class UserErrorsTest {
    static final String[] NOWHERE = {"--endpoint", "http://127.0.0.1:1", "--table", "events"};

    static CliRun run(String... args) {
        String[] all = new String[args.length + NOWHERE.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(NOWHERE, 0, all, args.length, NOWHERE.length);
        return CliRun.run(all);
    }

    static void assertUsageError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_USAGE);
        assertThat(r.errLines()).singleElement().satisfies(line -> assertThat(line).startsWith("eventfold: ").contains(fragments));
        assertThat(r.err()).doesNotContain("\tat ", "Exception");
        assertThat(r.out()).isEmpty();
    }

    @Nested
    class Aggregates {
        @Test
        void an_aggregate_without_a_slash_is_refused() {
            assertUsageError(run("head", "wallet-w1"), "TYPE/ID", "'wallet-w1'", "eventfold head --help");
        }

        @Test
        void an_aggregate_type_with_a_hash_is_refused() {
            assertUsageError(run("events", "wal#let/w1"), "'#' is not allowed");
        }

        @Test
        void an_empty_id_is_refused_in_an_option_too() {
            assertUsageError(run("verify", "--aggregate", "wallet/"), "--aggregate", "TYPE/ID");
        }
    }

    @Nested
    class Payloads {
        @Test
        void a_payload_that_is_not_json_is_refused_without_quoting_it() {
            CliRun r = run("append", "wallet/w1", "--event-type", "Wallet.Funded", "--payload", "{\"secret\": 12,");
            assertUsageError(r, "--payload", "not valid JSON", "line 1");
            assertThat(r.err()).doesNotContain("secret");
        }

        @Test
        void a_missing_payload_file_is_refused() {
            assertUsageError(run("append", "wallet/w1", "--event-type", "T", "--payload-file", "/no/such/file.json"),
                    "--payload-file", "cannot read");
        }

        @Test
        void payload_and_payload_file_exclude_each_other() {
            assertUsageError(run("append", "wallet/w1", "--event-type", "T", "--payload", "{}", "--payload-file", "x.json"),
                    "mutually exclusive");
        }

        @Test
        void the_event_type_is_required() {
            assertUsageError(run("append", "wallet/w1", "--payload", "{}"), "--event-type");
        }
    }

    @Nested
    class Tables {
        @Test
        void a_command_without_table_and_without_EVENTFOLD_TABLE_is_refused() {
            CliRun r = CliRun.run("events", "wallet/w1", "--endpoint", "http://127.0.0.1:1");
            assertUsageError(r, "no table", "--table", "EVENTFOLD_TABLE");
        }

        @Test
        void EVENTFOLD_TABLE_names_the_table_when_the_option_is_missing() {
            // The table is taken, so the command goes on to its request, which fails: exit 1, not 2.
            CliRun r = CliRun.run(Map.of("EVENTFOLD_TABLE", "events"), "head", "wallet/w1",
                    "--endpoint", "http://127.0.0.1:1");
            assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(r.errLines()).singleElement().asString().startsWith("eventfold: ").contains("failed");
            assertThat(r.err()).doesNotContain("\tat ");
        }

        @Test
        void a_name_dynamodb_would_refuse_is_refused() {
            assertUsageError(CliRun.run("head", "wallet/w1", "--table", "a b", "--endpoint", "http://127.0.0.1:1"),
                    "not a DynamoDB table name");
        }

        @Test
        void an_endpoint_that_is_not_a_url_is_refused() {
            assertUsageError(CliRun.run("head", "wallet/w1", "--table", "events", "--endpoint", "localhost:5000"),
                    "--endpoint", "http(s) URL");
        }
    }

    @Nested
    class Replays {
        @Test
        void a_replay_needs_exactly_one_selection() {
            assertUsageError(run("replay", "--dry-run"), "nothing selected");
            assertUsageError(run("replay", "--dry-run", "--tenant", "t-1", "--aggregate", "wallet/w1"), "more than one");
        }

        @Test
        void a_replay_needs_a_target_unless_it_is_a_dry_run() {
            assertUsageError(run("replay", "--tenant", "t-1"), "no target", "--queue-url", "--bus");
        }

        @Test
        void instants_must_be_iso_8601_and_in_order() {
            assertUsageError(run("replay", "--dry-run", "--event-type", "A", "--from", "yesterday"), "--from", "ISO-8601");
            assertUsageError(run("replay", "--dry-run", "--from", "2026-12-01T00:00:00Z", "--to", "2026-11-01T00:00:00Z"),
                    "is not before");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-5", "NaN"})
        void the_rate_must_be_positive(String rate) {
            assertUsageError(run("replay", "--tenant", "t-1", "--bus", "b", "--rate", rate), "--rate");
        }

        @Test
        void a_queue_url_must_be_a_url() {
            assertUsageError(run("replay", "--tenant", "t-1", "--queue-url", "my-queue"), "--queue-url");
        }

        @Test
        void a_checkpoint_file_name_must_be_usable_as_a_replay_id() {
            assertUsageError(run("replay", "--tenant", "t-1", "--bus", "b", "--checkpoint", "/tmp/fix 1.json"),
                    "--checkpoint");
        }
    }

    @Nested
    class Everything {
        @ParameterizedTest
        @ValueSource(strings = {"demo", "create-table", "head", "events", "append", "replay", "verify", "tail"})
        void every_command_has_help(String command) {
            CliRun r = CliRun.run(command, "--help");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("Usage: eventfold " + command, "--help");
            if (!command.equals("demo")) {
                assertThat(r.out()).contains("--endpoint", "--region", "--table");
            }
        }

        @Test
        void no_command_is_a_usage_error() {
            CliRun r = CliRun.run();
            assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_USAGE);
            assertThat(r.errLines()).singleElement().asString().contains("a command is required");
        }

        @Test
        void an_unknown_option_is_one_line() {
            assertUsageError(run("head", "wallet/w1", "--colour"), "--colour");
        }

        @Test
        void a_demo_option_for_aws_without_an_endpoint_is_refused() {
            CliRun r = CliRun.run("demo", "--table", "events");
            assertThat(r.exitCode()).isEqualTo(EventfoldCli.EXIT_USAGE);
            assertThat(r.errLines()).singleElement().asString().contains("--endpoint");
        }

        @Test
        void an_unreachable_endpoint_is_one_line_and_exit_code_1_and_the_stack_trace_only_with_verbose() {
            CliRun quiet = CliRun.run("head", "wallet/w1", "--table", "events", "--endpoint", "http://127.0.0.1:1");
            assertThat(quiet.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(quiet.errLines()).singleElement().asString().contains("eventfold: ", "GetItem failed");

            CliRun verbose = CliRun.run("head", "wallet/w1", "--table", "events", "--endpoint", "http://127.0.0.1:1",
                    "--verbose");
            assertThat(verbose.exitCode()).isEqualTo(EventfoldCli.EXIT_FAILED);
            assertThat(verbose.err()).contains("\tat ");
        }
    }
}
