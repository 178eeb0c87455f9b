package dev.eventfold.dynamodb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
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
}
