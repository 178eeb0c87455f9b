package dev.eventfold.dynamodb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the deployment template, {@code examples/wallet-service/template.yaml}, with cfn-lint from
 * the project venv ({@code .venv/bin/cfn-lint}, installed by {@code scripts/test.sh}), and that the
 * parts the wire contract and operations depend on are there: the table's shape, the fan-out's
 * filter, the FIFO queue and its dead-letter queue, least-privilege policies (exactly the actions
 * each function's code sends), a log group with a retention per function, and an alarm on every
 * queue where failures end up. The example project's own SamTemplateIT runs {@code sam validate
 * --lint} and {@code sam build} on it.
 */
class TemplateLintTest {
    static final String EXAMPLE = "examples/wallet-service";
    static Path root;
    static Path template;
    static String text;
    static Map<String, String> resources;

    @BeforeAll
    static void locate() throws IOException {
        String configured = System.getenv("EVENTFOLD_ROOT");
        Path start = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(EXAMPLE + "/template.yaml"))) {
                root = p;
                break;
            }
        }
        assertThat(root).as("a parent directory holding " + EXAMPLE + "/template.yaml").isNotNull();
        template = root.resolve(EXAMPLE + "/template.yaml");
        text = Files.readString(template, StandardCharsets.UTF_8);
        resources = resources(text);
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

    /** The text of every resource under {@code Resources:}, by logical id, in template order. */
    static Map<String, String> resources(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder block = new StringBuilder();
        boolean inResources = false;
        for (String line : yaml.split("\n")) {
            if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("#")) {
                if (name != null) {
                    out.put(name, block.toString());
                    name = null;
                }
                inResources = line.startsWith("Resources:");
                continue;
            }
            Matcher res = Pattern.compile("^  ([A-Za-z0-9]+):\\s*$").matcher(line);
            if (inResources && res.matches()) {
                if (name != null) {
                    out.put(name, block.toString());
                }
                name = res.group(1);
                block = new StringBuilder();
            } else if (name != null) {
                block.append(line).append('\n');
            }
        }
        if (name != null) {
            out.put(name, block.toString());
        }
        return out;
    }

    static List<String> ofType(String type) {
        return resources.entrySet().stream().filter(e -> e.getValue().contains("    Type: " + type + "\n"))
                .map(Map.Entry::getKey).toList();
    }

    static List<String> matches(String pattern, String in) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(pattern).matcher(in);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
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
    void the_table_has_the_wire_contracts_keys_stream_and_tenant_index_and_expires_idempotency_records() {
        assertThat(resources.get("EventsTable")).contains("StreamViewType: NEW_AND_OLD_IMAGES")
                .contains("IndexName: tenantIndex")
                .contains("{ AttributeName: pk, KeyType: HASH }")
                .contains("{ AttributeName: sk, KeyType: RANGE }")
                .contains("{ AttributeName: tenantId, KeyType: HASH }")
                .contains("TimeToLiveSpecification:\n        AttributeName: expiresAt\n        Enabled: true");
    }

    @Test
    void the_fan_out_only_sees_inserted_event_items_and_reports_partial_failures() {
        assertThat(resources.get("StreamFanOutFunction"))
                .contains("Handler: dev.eventfold.lambda.EnvStreamFanOutHandler::handleRequest")
                .contains("'{\"eventName\": [\"INSERT\"], \"dynamodb\": {\"NewImage\": {\"itemType\": {\"S\": [\"event\"]}}}}'")
                .contains("QUEUE_URL_LIST: !Sub '[\"${EventsQueue}\"]'")
                .contains("EVENT_BUS_NAME: !Ref EventBus")
                .contains("Destination: !GetAtt StreamFailureQueue.Arn");
        assertThat(text.split("- ReportBatchItemFailures", -1)).as("both event source mappings report batch item failures").hasSize(3);
        assertThat(resources.get("BalanceProjectionFunction")).contains("- ReportBatchItemFailures");
    }

    @Test
    void the_queue_is_fifo_with_a_dead_letter_queue() {
        assertThat(resources.get("EventsQueue")).contains("FifoQueue: true").contains("RedrivePolicy:")
                .contains("deadLetterTargetArn: !GetAtt EventsDeadLetterQueue.Arn");
        assertThat(resources.get("EventsDeadLetterQueue")).contains("FifoQueue: true");
    }

    @Nested
    class BuiltFromTheExampleProject {
        @Test
        void every_function_is_built_by_sam_from_the_maven_project_on_java21() {
            assertThat(ofType("AWS::Serverless::Function"))
                    .containsExactlyInAnyOrder("WalletApiFunction", "StreamFanOutFunction", "BalanceProjectionFunction")
                    .allSatisfy(f -> assertThat(resources.get(f)).as(f).contains("      CodeUri: .\n"));
            assertThat(root.resolve(EXAMPLE + "/pom.xml")).exists();
            assertThat(text).contains("Globals:\n  Function:\n    Runtime: java21\n");
        }

        @Test
        void every_handler_names_a_class_of_the_example_or_of_eventfold_lambda() {
            List<String> handlers = matches("Handler: ([\\w.$]+)::handleRequest", text);
            assertThat(handlers).containsExactlyInAnyOrder("com.example.wallet.WalletApiHandler",
                    "com.example.wallet.BalanceProjectionHandler", "dev.eventfold.lambda.EnvStreamFanOutHandler");
            for (String handler : handlers) {
                String source = handler.replace('.', '/') + ".java";
                Path in = handler.startsWith("com.example.") ? root.resolve(EXAMPLE + "/src/main/java/" + source)
                        : root.resolve("eventfold-lambda/src/main/java/" + source);
                assertThat(in).as(handler).exists();
            }
        }

        @Test
        void the_functions_get_the_variables_their_wiring_reads() throws IOException {
            String wiring = Files.readString(root.resolve(EXAMPLE + "/src/main/java/com/example/wallet/Wiring.java"));
            assertThat(wiring).contains("EVENT_TABLE_NAME = \"EVENT_TABLE_NAME\"")
                    .contains("READ_MODEL_TABLE_NAME = \"READ_MODEL_TABLE_NAME\"");
            assertThat(resources.get("WalletApiFunction")).contains("EVENT_TABLE_NAME: !Ref EventsTable")
                    .doesNotContain("READ_MODEL_TABLE_NAME");
            assertThat(resources.get("BalanceProjectionFunction")).contains("EVENT_TABLE_NAME: !Ref EventsTable")
                    .contains("READ_MODEL_TABLE_NAME: !Ref ReadModelTable");
        }

        @Test
        void the_api_takes_only_signed_requests() {
            assertThat(resources.get("WalletApi")).contains("DefaultAuthorizer: AWS_IAM").contains("EnableIamAuthorizer: true");
            assertThat(matches("ApiId: !Ref (\\w+)", resources.get("WalletApiFunction"))).containsOnly("WalletApi").hasSize(2);
        }
    }

    @Nested
    class Operations {
        @Test
        void every_function_logs_to_a_log_group_of_its_own_with_a_retention() {
            List<String> groups = new ArrayList<>();
            for (String f : ofType("AWS::Serverless::Function")) {
                List<String> group = matches("LogGroup: !Ref (\\w+)", resources.get(f));
                assertThat(group).as(f).hasSize(1);
                assertThat(resources.get(group.get(0))).as(group.get(0)).contains("Type: AWS::Logs::LogGroup")
                        .contains("RetentionInDays: !Ref LogRetentionInDays");
                groups.add(group.get(0));
            }
            assertThat(groups).doesNotHaveDuplicates().hasSize(3);
            assertThat(text).contains("  LogRetentionInDays:\n    Type: Number\n    Default: 30\n");
        }

        @Test
        void every_queue_where_failures_end_up_has_an_alarm_on_visible_messages() {
            Set<String> failureQueues = new TreeSet<>(matches("deadLetterTargetArn: !GetAtt (\\w+)\\.Arn", text));
            failureQueues.addAll(matches("Destination: !GetAtt (\\w+)\\.Arn", text));
            assertThat(failureQueues).containsExactly("EventsDeadLetterQueue", "StreamFailureQueue");
            List<String> alarms = ofType("AWS::CloudWatch::Alarm");
            for (String queue : failureQueues) {
                List<String> on = alarms.stream()
                        .filter(a -> resources.get(a).contains("Value: !GetAtt " + queue + ".QueueName")).toList();
                assertThat(on).as("an alarm on " + queue).hasSize(1);
                assertThat(resources.get(on.get(0))).contains("MetricName: ApproximateNumberOfMessagesVisible")
                        .contains("Namespace: AWS/SQS").contains("Threshold: 0")
                        .contains("ComparisonOperator: GreaterThanThreshold")
                        .contains("AlarmActions: [!Ref AlarmTopic]");
            }
            assertThat(resources.get("AlarmTopic")).contains("Type: AWS::SNS::Topic");
        }
    }

    /** One IAM statement of the template: the resource (function or policy) holding it, its actions and resources. */
    record Statement(String owner, String sid, List<String> actions, List<String> resources) {
    }

    /** One action allowed on one resource. */
    record Grant(String action, String resource) {
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

    /** Every action {@code owner} is allowed, on every resource. */
    static Set<Grant> grants(List<Statement> statements, String owner) {
        Set<Grant> out = new java.util.HashSet<>();
        statements.stream().filter(st -> st.owner().equals(owner))
                .forEach(st -> st.actions().forEach(a -> st.resources().forEach(r -> out.add(new Grant(a, r)))));
        return out;
    }

    static Set<Grant> on(String resource, String... actions) {
        Set<Grant> out = new java.util.HashSet<>();
        for (String a : actions) {
            out.add(new Grant(a, resource));
        }
        return out;
    }

    @SafeVarargs
    static Set<Grant> union(Set<Grant>... sets) {
        Set<Grant> out = new java.util.HashSet<>();
        for (Set<Grant> s : sets) {
            out.addAll(s);
        }
        return out;
    }

    /** Exactly these grants, none more: each function may send what its code sends, and nothing else. */
    @Nested
    class LeastPrivilege {
        final List<Statement> iam = statements(text);

        @Test
        void the_parser_reads_every_statement_of_the_template() {
            assertThat(iam).extracting(Statement::owner).contains("StreamFanOutFunction", "BalanceProjectionFunction",
                    "WalletApiFunction", "ReplayAndVerifyPolicy");
            assertThat(iam).allSatisfy(st -> {
                assertThat(st.actions()).as(st.sid()).isNotEmpty();
                assertThat(st.resources()).as(st.sid()).isNotEmpty();
            });
            // And it sees a change: the exact checks below fail with one action more or less.
            assertThat(grants(statements(text.replace("                - dynamodb:UpdateItem\n              Resource: !GetAtt ReadModelTable.Arn",
                    "                - dynamodb:UpdateItem\n                - dynamodb:PutItem\n              Resource: !GetAtt ReadModelTable.Arn")),
                    "BalanceProjectionFunction")).contains(new Grant("dynamodb:PutItem", "!GetAtt ReadModelTable.Arn"));
        }

        @Test
        void no_statement_allows_a_wildcard_action_and_only_list_streams_is_on_star() {
            assertThat(iam).allSatisfy(st -> assertThat(st.actions()).as(st.sid()).noneMatch(a -> a.contains("*")));
            assertThat(iam).filteredOn(st -> st.resources().contains("*"))
                    .allSatisfy(st -> assertThat(st.actions()).as(st.sid()).containsExactly("dynamodb:ListStreams"));
        }

        @Test
        void the_api_function_appends_to_the_event_table_and_does_nothing_else() {
            // An append: TransactWriteItems of an Update (head) and Puts (events, idempotency record);
            // GetItem: the head after a conflict, the event a repeated request id names.
            assertThat(grants(iam, "WalletApiFunction")).containsExactlyInAnyOrderElementsOf(
                    on("!GetAtt EventsTable.Arn", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"));
        }

        @Test
        void the_fan_out_reads_the_stream_lists_streams_on_star_and_sends_to_the_queue_the_failure_queue_and_the_bus() {
            assertThat(grants(iam, "StreamFanOutFunction")).containsExactlyInAnyOrderElementsOf(union(
                    on("!GetAtt EventsTable.StreamArn", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
                    // ListStreams takes no stream ARN: it is granted on "*" or not at all.
                    on("*", "dynamodb:ListStreams"),
                    on("!GetAtt EventsQueue.Arn", "sqs:SendMessage"),
                    on("!GetAtt StreamFailureQueue.Arn", "sqs:SendMessage"),
                    on("!GetAtt EventBus.Arn", "events:PutEvents", "events:DescribeEventBus")));
        }

        @Test
        void the_listener_consumes_its_queue_reads_gaps_and_commits_balance_and_checkpoint_in_one_transaction() {
            assertThat(grants(iam, "BalanceProjectionFunction")).containsExactlyInAnyOrderElementsOf(union(
                    on("!GetAtt EventsQueue.Arn", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                            "sqs:GetQueueAttributes"),
                    on("!GetAtt EventsTable.Arn", "dynamodb:GetItem", "dynamodb:Query"),
                    // Checkpoint and balance are both Updates; GetItem reads a checkpoint after a conflict.
                    on("!GetAtt ReadModelTable.Arn", "dynamodb:GetItem", "dynamodb:UpdateItem")));
        }

        @Test
        void replay_and_verify_read_by_aggregate_tenant_and_scan_and_republish() {
            assertThat(grants(iam, "ReplayAndVerifyPolicy")).containsExactlyInAnyOrderElementsOf(union(
                    on("!GetAtt EventsTable.Arn", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"),
                    on("!Sub \"${EventsTable.Arn}/index/tenantIndex\"", "dynamodb:Query"),
                    on("!GetAtt EventsQueue.Arn", "sqs:GetQueueAttributes", "sqs:SendMessage"),
                    on("!GetAtt EventBus.Arn", "events:DescribeEventBus", "events:PutEvents")));
        }
    }
}
