package dev.eventfold.dynamodb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@code examples/template.yaml} with cfn-lint from the project venv ({@code .venv/bin/cfn-lint},
 * installed by {@code scripts/test.sh}), and that the parts the wire contract depends on are there.
 */
class TemplateLintTest {
    static Path root;
    static Path template;
    static String text;

    @BeforeAll
    static void locate() throws IOException {
        String configured = System.getenv("EVENTFOLD_ROOT");
        Path start = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("examples/template.yaml"))) {
                root = p;
                break;
            }
        }
        assertThat(root).as("a parent directory holding examples/template.yaml").isNotNull();
        template = root.resolve("examples/template.yaml");
        text = Files.readString(template, StandardCharsets.UTF_8);
    }

    static Result lint(Path file) throws Exception {
        Path cfnLint = root.resolve(".venv/bin/cfn-lint");
        assertThat(cfnLint).as("cfn-lint in the project venv (scripts/test.sh installs it)").isExecutable();
        Process p = new ProcessBuilder(cfnLint.toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("cfn-lint finished").isTrue();
        return new Result(p.exitValue(), out);
    }

    record Result(int exitCode, String output) {
    }

    @Test
    void the_template_passes_cfn_lint() throws Exception {
        Result r = lint(template);
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void cfn_lint_really_checks_a_broken_template(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, text.replace("StreamViewType: NEW_AND_OLD_IMAGES", "StreamViewType: EVERYTHING"));
        assertThat(lint(broken).exitCode()).isNotZero();
    }

    @Test
    void the_table_has_the_wire_contracts_keys_stream_and_tenant_index() {
        assertThat(text).contains("StreamViewType: NEW_AND_OLD_IMAGES")
                .contains("IndexName: tenantIndex")
                .contains("{ AttributeName: pk, KeyType: HASH }")
                .contains("{ AttributeName: sk, KeyType: RANGE }")
                .contains("{ AttributeName: tenantId, KeyType: HASH }");
    }

    @Test
    void the_fan_out_only_sees_inserted_event_items_and_reports_partial_failures() {
        assertThat(text).contains("Handler: dev.eventfold.lambda.EnvStreamFanOutHandler::handleRequest")
                .contains("'{\"eventName\": [\"INSERT\"], \"dynamodb\": {\"NewImage\": {\"itemType\": {\"S\": [\"event\"]}}}}'")
                .contains("QUEUE_URL_LIST: !Sub '[\"${EventsQueue}\"]'")
                .contains("EVENT_BUS_NAME: !Ref EventBus");
        assertThat(text.split("- ReportBatchItemFailures", -1)).as("both functions report batch item failures").hasSize(3);
    }

    @Test
    void the_queue_is_fifo_with_a_dead_letter_queue() {
        assertThat(text).contains("FifoQueue: true").contains("RedrivePolicy:")
                .contains("deadLetterTargetArn: !GetAtt EventsDeadLetterQueue.Arn");
    }

    /** One IAM statement of the template: the resource (function or policy) holding it, its actions and resources. */
    record Statement(String owner, String sid, List<String> actions, List<String> resources) {
    }

    /**
     * The IAM statements of every resource, read from the template text (the subset of YAML the
     * template uses: block lists or one value after {@code Action:} and {@code Resource:}).
     */
    static List<Statement> statements(String yaml) {
        List<Statement> out = new ArrayList<>();
        String owner = null;
        boolean inResources = false;
        String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("#")) {
                inResources = line.startsWith("Resources:");
                continue;
            }
            Matcher res = Pattern.compile("^  ([A-Za-z0-9]+):\\s*$").matcher(line);
            if (inResources && res.matches()) {
                owner = res.group(1);
                continue;
            }
            Matcher sid = Pattern.compile("^(\\s*)- Sid: (\\S+)\\s*$").matcher(line);
            if (owner == null || !sid.matches()) {
                continue;
            }
            int indent = sid.group(1).length();
            List<String> actions = new ArrayList<>();
            List<String> resources = new ArrayList<>();
            List<String> current = null;
            int j = i + 1;
            for (; j < lines.length; j++) {
                String l = lines[j];
                int lIndent = l.length() - l.stripLeading().length();
                if (l.isBlank() || lIndent <= indent) {
                    break;
                }
                String t = l.strip();
                if (t.startsWith("Action:") || t.startsWith("Resource:")) {
                    current = t.startsWith("Action:") ? actions : resources;
                    String inline = t.substring(t.indexOf(':') + 1).strip();
                    if (!inline.isEmpty()) {
                        current.add(unquote(inline));
                        current = null;
                    }
                } else if (t.startsWith("- ") && current != null) {
                    current.add(unquote(t.substring(2).strip()));
                } else {
                    current = null;
                }
            }
            out.add(new Statement(owner, sid.group(2), actions, resources));
            i = j - 1;
        }
        return out;
    }

    static String unquote(String v) {
        return v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))
                ? v.substring(1, v.length() - 1) : v;
    }

    /** The resources on which {@code owner} is allowed {@code action}. */
    static List<String> allowed(List<Statement> statements, String owner, String action) {
        return statements.stream().filter(st -> st.owner().equals(owner) && st.actions().contains(action))
                .flatMap(st -> st.resources().stream()).toList();
    }

    @Nested
    class LeastPrivilege {
        final List<Statement> iam = statements(text);

        @Test
        void the_parser_reads_every_statement_of_the_template() {
            assertThat(iam).extracting(Statement::owner).contains("StreamFanOutFunction", "ListenerFunction",
                    "CommandHandlerPolicy", "ReplayAndVerifyPolicy");
            assertThat(iam).allSatisfy(st -> {
                assertThat(st.actions()).as(st.sid()).isNotEmpty();
                assertThat(st.resources()).as(st.sid()).isNotEmpty();
            });
            // And it sees a removal: the check below would fail without ConditionCheckItem.
            assertThat(allowed(statements(text.replace("                - dynamodb:ConditionCheckItem\n", "")),
                    "ListenerFunction", "dynamodb:ConditionCheckItem")).isEmpty();
        }

        @Test
        void the_fan_out_reads_the_stream_lists_streams_on_star_and_sends_to_the_queue_the_failure_queue_and_the_bus() {
            for (String a : List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")) {
                assertThat(allowed(iam, "StreamFanOutFunction", a)).as(a).containsExactly("!GetAtt EventsTable.StreamArn");
            }
            // ListStreams takes no stream ARN: it is granted on "*" or not at all.
            assertThat(allowed(iam, "StreamFanOutFunction", "dynamodb:ListStreams")).containsExactly("*");
            assertThat(allowed(iam, "StreamFanOutFunction", "sqs:SendMessage"))
                    .containsExactlyInAnyOrder("!GetAtt EventsQueue.Arn", "!GetAtt StreamFailureQueue.Arn");
            assertThat(allowed(iam, "StreamFanOutFunction", "events:PutEvents")).containsExactly("!GetAtt EventBus.Arn");
            assertThat(allowed(iam, "StreamFanOutFunction", "events:DescribeEventBus")).containsExactly("!GetAtt EventBus.Arn");
        }

        @Test
        void the_listener_consumes_its_queue_reads_gaps_and_commits_read_model_and_checkpoint_in_one_transaction() {
            for (String a : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")) {
                assertThat(allowed(iam, "ListenerFunction", a)).as(a).containsExactly("!GetAtt EventsQueue.Arn");
            }
            for (String a : List.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem")) {
                assertThat(allowed(iam, "ListenerFunction", a)).as(a).contains("!GetAtt ReadModelTable.Arn");
            }
            assertThat(allowed(iam, "ListenerFunction", "dynamodb:Query")).containsExactly("!GetAtt EventsTable.Arn");
            assertThat(allowed(iam, "ListenerFunction", "dynamodb:GetItem")).contains("!GetAtt EventsTable.Arn");
        }

        @Test
        void command_handlers_append_load_and_prune_snapshots() {
            for (String a : List.of("dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem")) {
                assertThat(allowed(iam, "CommandHandlerPolicy", a)).as(a).containsExactly("!GetAtt EventsTable.Arn");
            }
        }

        @Test
        void replay_and_verify_read_by_aggregate_tenant_and_scan_and_republish() {
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "dynamodb:GetItem")).containsExactly("!GetAtt EventsTable.Arn");
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "dynamodb:Query"))
                    .containsExactlyInAnyOrder("!GetAtt EventsTable.Arn", "!Sub \"${EventsTable.Arn}/index/tenantIndex\"");
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "dynamodb:Scan")).containsExactly("!GetAtt EventsTable.Arn");
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "sqs:SendMessage")).containsExactly("!GetAtt EventsQueue.Arn");
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "sqs:GetQueueAttributes")).containsExactly("!GetAtt EventsQueue.Arn");
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "events:PutEvents")).containsExactly("!GetAtt EventBus.Arn");
            assertThat(allowed(iam, "ReplayAndVerifyPolicy", "events:DescribeEventBus")).containsExactly("!GetAtt EventBus.Arn");
        }
    }

    @Test
    void the_listener_has_no_default_handler_that_the_jar_does_not_hold() {
        String params = text.substring(text.indexOf("Parameters:"), text.indexOf("Globals:"));
        String listener = params.substring(params.indexOf("  ListenerCodeUri:"));
        assertThat(listener).doesNotContain("Default:");
        assertThat(text).doesNotContain("WalletListener");
        assertThat(params).contains("Default: ../eventfold-lambda/target/eventfold-lambda.jar"); // the fan-out's, which exists
        assertThat(text).contains("Handler: !Ref ListenerHandler");
    }
}
