package com.example.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user runs before {@code sam deploy}: {@code sam validate --lint} and {@code sam build} of
 * {@code template.yaml}, with the SAM CLI pinned in {@code scripts/requirements-test.txt}
 * ({@code EVENTFOLD_SAM}, else {@code .venv/bin/sam} in this directory or a parent). Then the
 * built functions are checked: each holds this project's classes, the library and a Lambda
 * logging provider for SLF4J, and no second HTTP client.
 */
class SamTemplateIT {
    static final Duration VALIDATE_TIMEOUT = Duration.ofMinutes(2);
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(8);
    static final List<String> FUNCTIONS = List.of("WalletApiFunction", "BalanceProjectionFunction", "StreamFanOutFunction");

    static Path project;
    static Path sam;

    @BeforeAll
    static void locate() {
        project = Path.of("").toAbsolutePath(); // Maven runs tests in the project's directory
        assertThat(project.resolve("template.yaml")).exists();
        String configured = System.getenv("EVENTFOLD_SAM");
        if (configured != null && !configured.isBlank()) {
            sam = Path.of(configured);
        } else {
            for (Path dir = project; dir != null && sam == null; dir = dir.getParent()) {
                if (Files.isExecutable(dir.resolve(".venv/bin/sam"))) {
                    sam = dir.resolve(".venv/bin/sam");
                }
            }
        }
        assertThat(sam).as("the SAM CLI: set EVENTFOLD_SAM, or run ./scripts/test.sh (it creates .venv)").isNotNull();
        assertThat(sam).isExecutable();
    }

    record Result(int exitCode, String output) {
    }

    /** Runs sam in the project's directory, bounded in time; the output is kept for the failure message. */
    static Result sam(Duration timeout, Map<String, String> env, String... args) throws Exception {
        List<String> command = Stream.concat(Stream.of(sam.toString()), Stream.of(args)).toList();
        Path log = Files.createTempFile("sam-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SAM_CLI_TELEMETRY", "0"); // nothing sent anywhere
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean finished = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertThat(finished).as("sam " + String.join(" ", args) + " finished within " + timeout + ":\n" + output).isTrue();
        return new Result(p.exitValue(), output);
    }

    @Test
    void the_template_passes_sam_validate_with_the_linter() throws Exception {
        Result r = sam(VALIDATE_TIMEOUT, Map.of(), "validate", "--lint", "--template-file", "template.yaml");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("is a valid SAM Template");
    }

    @Test
    void sam_validate_really_lints(@TempDir Path dir) throws Exception {
        String template = Files.readString(project.resolve("template.yaml"));
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, template.replace("StreamViewType: NEW_AND_OLD_IMAGES", "StreamViewType: EVERYTHING"));

        Result r = sam(VALIDATE_TIMEOUT, Map.of(), "validate", "--lint", "--template-file", broken.toString());

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("EVERYTHING");
    }

    @Test
    void sam_build_builds_every_function_from_this_project(@TempDir Path build) throws Exception {
        // sam build runs `mvn clean install` on a copy of this project. The tests ran in this very
        // build already: skip them there (MAVEN_OPTS reaches that Maven), so the check stays short.
        String mavenOpts = (System.getenv().getOrDefault("MAVEN_OPTS", "") + " -DskipTests").strip();
        Result r = sam(BUILD_TIMEOUT, Map.of("MAVEN_OPTS", mavenOpts), "build", "--template-file", "template.yaml",
                "--build-dir", build.toString());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("Build Succeeded");
        String built = Files.readString(build.resolve("template.yaml"));
        for (String function : FUNCTIONS) {
            Path dir = build.resolve(function);
            assertThat(built).as("the built template points %s at its build", function).contains("CodeUri: " + function);
            assertThat(dir.resolve("com/example/wallet/WalletApiHandler.class")).exists();
            assertThat(dir.resolve("com/example/wallet/BalanceProjectionHandler.class")).exists();
            assertThat(dir.resolve("log4j2.xml")).exists();
            assertThat(libs(dir)).as(function)
                    .anyMatch(name -> name.startsWith("dev.eventfold.eventfold-lambda-"))
                    .anyMatch(name -> name.startsWith("org.apache.logging.log4j.log4j-slf4j2-impl-"))
                    .anyMatch(name -> name.startsWith("com.amazonaws.aws-lambda-java-log4j2-"))
                    .anyMatch(name -> name.startsWith("software.amazon.awssdk.url-connection-client-"))
                    .noneMatch(name -> name.contains("netty") || name.contains("apache5-client") || name.contains("junit")
                            || name.contains("eventfold-testkit") || name.contains("slf4j-simple"));
        }
    }

    static List<String> libs(Path function) throws IOException {
        try (Stream<Path> files = Files.list(function.resolve("lib"))) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
