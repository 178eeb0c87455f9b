package dev.eventfold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.regions.Region;

class TerminalAndRegionTest {

    @Nested
    class Stderr {
        @Test
        void a_link_to_a_terminal_device_is_a_terminal(@TempDir Path dir) throws Exception {
            Path pts = Files.createSymbolicLink(dir.resolve("fd2-pts"), Path.of("/dev/pts/3"));
            Path tty = Files.createSymbolicLink(dir.resolve("fd2-tty"), Path.of("/dev/tty1"));
            assertThat(StderrTerminal.isTerminalLink(pts)).isTrue();
            assertThat(StderrTerminal.isTerminalLink(tty)).isTrue();
        }

        @Test
        void a_file_a_pipe_or_nothing_readable_is_not(@TempDir Path dir) throws Exception {
            Path log = Files.createSymbolicLink(dir.resolve("fd2-file"), dir.resolve("verify.log"));
            Path pipe = Files.createSymbolicLink(dir.resolve("fd2-pipe"), Path.of("pipe:[12345]"));
            Path plain = Files.writeString(dir.resolve("not-a-link"), "x");
            assertThat(StderrTerminal.isTerminalLink(log)).isFalse();
            assertThat(StderrTerminal.isTerminalLink(pipe)).isFalse();
            assertThat(StderrTerminal.isTerminalLink(plain)).isFalse();
            assertThat(StderrTerminal.isTerminalLink(dir.resolve("missing"))).isFalse();
        }
    }

    @Nested
    class Region_ {
        @Test
        void without_region_and_endpoint_it_is_a_one_line_usage_error_before_any_request(@TempDir Path dir) {
            // No AWS_REGION, no profile file: the SDK's chain would now try instance metadata; we do not.
            CliRun r = CliRun.run(Map.of("AWS_CONFIG_FILE", dir.resolve("none").toString()),
                    "head", "wallet/w1", "--table", "events");
            UserErrorsTest.assertUsageError(r, "no AWS region", "--region", "AWS_REGION");
        }

        @Test
        void the_profile_files_region_is_used_without_any_request(@TempDir Path dir) throws Exception {
            Path config = Files.writeString(dir.resolve("config"), "[default]\nregion = eu-west-2\n\n[profile ops]\nregion=ap-south-1\n");
            Map<String, String> env = Map.of("AWS_CONFIG_FILE", config.toString());
            assertThat(target(env).region()).isEqualTo(Region.EU_WEST_2);
            assertThat(target(Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_PROFILE", "ops")).region())
                    .isEqualTo(Region.AP_SOUTH_1);
        }

        AwsOptions.Target target(Map<String, String> env) {
            CliEnvironment e = new CliEnvironment(env, false);
            CommandLine cl = new CommandLine(new EventfoldCli(e));
            return new AwsOptions().target(cl, e);
        }
    }
}
