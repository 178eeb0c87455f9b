package dev.eventfold.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The prebuilt fan-out jar ({@code target/eventfold-lambda.jar}) as it is deployed: its size, what
 * it holds, and the fan-out run from it alone in a child JVM ({@link PrebuiltJarProbe}), logging
 * through its provider. Runs in the integration-test phase (failsafe), after the package phase
 * built the jar.
 */
class PrebuiltJarIT {
    /** The limit of the issue "Ship it": 20.7 MB before the unused HTTP clients and joda-time went. */
    static final long MAX_BYTES = 14_000_000;
    static final Path JAR = Path.of("target", "eventfold-lambda.jar");

    @Nested
    class Contents {
        @Test
        void the_jar_is_at_most_14_MB() throws IOException {
            assertThat(Files.size(JAR)).isLessThanOrEqualTo(MAX_BYTES);
        }

        @Test
        void it_holds_an_slf4j_provider_that_is_log4j_and_the_configuration_of_the_lambda_appender() throws IOException {
            try (JarFile jar = new JarFile(JAR.toFile())) {
                String provider = text(jar, "META-INF/services/org.slf4j.spi.SLF4JServiceProvider").trim();
                assertThat(provider).isEqualTo("org.apache.logging.slf4j.SLF4JServiceProvider");
                assertThat(jar.getEntry(provider.replace('.', '/') + ".class")).isNotNull();
                assertThat(text(jar, "log4j2.properties")).contains("appender.lambda.type = Lambda")
                        .contains("${env:AWS_LAMBDA_LOG_FORMAT:-TEXT}").contains("${env:AWS_LAMBDA_LOG_LEVEL:-INFO}");
                // one plugin list, merged at shading: log4j-core's and the Lambda appender's and the JSON layout's
                String plugins = text(jar, "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat");
                assertThat(plugins).contains("com.amazonaws.services.lambda.runtime.log4j2.LambdaAppender")
                        .contains("org.apache.logging.log4j.layout.template.json.JsonTemplateLayout")
                        .contains("org.apache.logging.log4j.core.layout.PatternLayout");
                assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            }
        }

        @Test
        void it_holds_no_other_http_client_than_url_connection_and_no_joda_time() throws IOException {
            List<String> names = new ArrayList<>();
            try (JarFile jar = new JarFile(JAR.toFile())) {
                jar.stream().map(ZipEntry::getName).forEach(names::add);
            }
            assertThat(names).noneMatch(n -> n.startsWith("io/netty/") || n.startsWith("org/apache/hc/")
                    || n.startsWith("org/apache/http/") || n.startsWith("org/joda/")
                    || n.startsWith("software/amazon/awssdk/http/nio/netty/")
                    || n.startsWith("software/amazon/awssdk/http/apache"));
            assertThat(names).contains("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
        }

        @Test
        void it_carries_the_licence_and_the_notice() throws IOException {
            try (JarFile jar = new JarFile(JAR.toFile())) {
                assertThat(text(jar, "META-INF/LICENSE")).contains("Apache License").contains("Version 2.0");
                assertThat(text(jar, "META-INF/NOTICE")).contains("Eventfold").contains("The Eventfold authors");
            }
        }
    }

    @Nested
    @ExtendWith(AwsExtension.class)
    class Running {
        static Path probeDir;

        @BeforeAll
        static void copyTheProbeAlone(@TempDir Path dir) throws IOException {
            // the child's class path is the jar and this one class: nothing of the test class path
            Path target = dir.resolve("dev/eventfold/lambda/PrebuiltJarProbe.class");
            Files.createDirectories(target.getParent());
            try (InputStream in = PrebuiltJarProbe.class.getResourceAsStream("PrebuiltJarProbe.class")) {
                Files.copy(in, target);
            }
            probeDir = dir;
        }

        @Test
        void the_fan_out_sends_from_the_jar_and_logs_its_error_with_the_request_id(AwsTestEnvironment aws) throws Exception {
            SqsClient sqs = aws.sqs();
            String queue = sqs.createQueue(r -> r.queueName(AwsTestEnvironment.uniqueName("prebuilt"))).queueUrl();
            Map<String, String> env = awsEnvironment(aws);
            env.put("QUEUE_URL_LIST", "[\"" + queue + "\"]");

            Child run = probe(env, "req-text-1");

            assertThat(run.stdout()).contains("FAILED [2]");
            assertThat(run.logLines()).singleElement().satisfies(line -> assertThat(line)
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z req-text-1 ERROR StreamFanOut - stream record 2 .*"));
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            assertThat(received).singleElement()
                    .satisfies(m -> assertThat(EventJson.parse(m.body()).get("eventId").asText()).isEqualTo("evt-probe-1"));
        }

        @Test
        void with_AWS_LAMBDA_LOG_FORMAT_JSON_each_line_is_a_json_object_with_the_request_id_and_level() throws Exception {
            Map<String, String> env = new HashMap<>(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));

            Child run = probe(env, "req-json-1");

            assertThat(run.logLines()).singleElement().satisfies(line -> {
                JsonNode json = EventJson.parse(line);
                assertThat(json.get("AWSRequestId").asText()).isEqualTo("req-json-1");
                assertThat(json.get("level").asText()).isEqualTo("ERROR");
                assertThat(json.get("logger").asText()).isEqualTo("dev.eventfold.fanout.StreamFanOut");
                assertThat(json.get("message").asText()).startsWith("stream record 2 ");
                assertThat(json.has("timestamp")).isTrue();
            });
        }

        @Test
        void AWS_LAMBDA_LOG_LEVEL_sets_the_level() throws Exception {
            Child run = probe(new HashMap<>(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL")), "req-level-1");

            assertThat(run.stdout()).contains("FAILED [2]");
            assertThat(run.logLines()).isEmpty();
        }

        private Child probe(Map<String, String> env, String requestId) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", JAR.toAbsolutePath() + System.getProperty("path.separator") + probeDir,
                    PrebuiltJarProbe.class.getName(), requestId);
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("QUEUE_URL_LIST")
                    || k.equals("EVENT_BUS_NAME"));
            pb.environment().putAll(env);
            Path err = Files.createTempFile("prebuilt-probe-", ".err");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String stderr = Files.readString(err);
            Files.delete(err);
            assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isZero();
            // "No SLF4J providers were found", "multiple SLF4J providers", Log4j's own status errors
            assertThat(stderr).as("stderr").doesNotContain("SLF4J").doesNotContain("ERROR");
            return new Child(stdout);
        }
    }

    /** The child's standard output: the probe's result line and the log lines the appender wrote. */
    record Child(String stdout) {
        List<String> logLines() {
            return stdout.lines().filter(l -> !l.isBlank() && !l.startsWith("FAILED ")).toList();
        }
    }

    private static Map<String, String> awsEnvironment(AwsTestEnvironment aws) {
        Map<String, String> env = new HashMap<>();
        aws.endpoint().ifPresent(e -> env.put("AWS_ENDPOINT_URL", e.toString()));
        env.put("AWS_REGION", aws.region().id());
        AwsCredentials c = aws.credentials().resolveCredentials();
        env.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
        if (c instanceof AwsSessionCredentials session) {
            env.put("AWS_SESSION_TOKEN", session.sessionToken());
        }
        return env;
    }

    private static String text(JarFile jar, String entry) throws IOException {
        ZipEntry e = jar.getEntry(entry);
        assertThat(e).as(entry).isNotNull();
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
