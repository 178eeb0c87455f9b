package com.example.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/wallet-service.jar}, the shaded jar for deploying without SAM, run on its own in a
 * fresh JVM as Lambda would: the handlers' no-arg constructors wire themselves from the
 * environment, log through the Lambda appender, and refuse bad input without any AWS endpoint.
 */
class DeployableJarIT {
    static final Path JAR = Path.of("target/wallet-service.jar");

    /** A Lambda runtime in miniature: constructs the handlers as Lambda does and invokes one. */
    static final String PROBE = """
            import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
            import java.util.Map;

            public class Probe {
                public static void main(String[] args) {
                    org.slf4j.LoggerFactory.getLogger("probe").info("probe logging through SLF4J");
                    var api = new com.example.wallet.WalletApiHandler();
                    new com.example.wallet.BalanceProjectionHandler();
                    var fanOut = new dev.eventfold.lambda.EnvStreamFanOutHandler();
                    var answer = api.handleRequest(APIGatewayV2HTTPEvent.builder()
                            .withRouteKey("POST /wallets/{walletId}/deposits").withPathParameters(Map.of("walletId", "w-1"))
                            .withBody("{\\"requestId\\": \\"r-1\\", \\"amount\\": -5}").build(), null);
                    System.out.println("answer " + answer.getStatusCode() + " " + answer.getBody());
                    System.out.println("fan-out queues " + fanOut.config().queueUrls());
                }
            }
            """;

    @Test
    void the_jar_holds_the_functions_a_logging_provider_and_one_http_client() throws Exception {
        assertThat(JAR).exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("com/example/wallet/WalletApiHandler.class",
                    "com/example/wallet/BalanceProjectionHandler.class",
                    "dev/eventfold/lambda/EnvStreamFanOutHandler.class",
                    "log4j2.xml",
                    "org/apache/logging/slf4j/SLF4JServiceProvider.class",
                    "com/amazonaws/services/lambda/runtime/log4j2/LambdaAppender.class",
                    "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
            assertThat(names).noneMatch(n -> n.startsWith("io/netty/") || n.startsWith("org/apache/hc/")
                    || n.startsWith("org/junit/") || n.startsWith("org/slf4j/simple/"));
            assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"))
                    .readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("org.apache.logging.slf4j.SLF4JServiceProvider");
            // Both plugin lists merged: log4j-core's and the Lambda appender's.
            String plugins = new String(jar.getInputStream(jar.getEntry(
                    "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat")).readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(plugins).contains("com.amazonaws.services.lambda.runtime.log4j2.LambdaAppender")
                    .contains("org.apache.logging.log4j.core.layout.PatternLayout");
        }
    }

    @Test
    void the_handlers_start_from_the_environment_alone_log_through_the_lambda_appender_and_refuse_bad_input(
            @TempDir Path dir) throws Exception {
        Path probe = dir.resolve("Probe.java");
        Files.writeString(probe, PROBE);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", JAR.toAbsolutePath().toString(), probe.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put(Wiring.EVENT_TABLE_NAME, "events");
        pb.environment().put(Wiring.READ_MODEL_TABLE_NAME, "read-model");
        pb.environment().put("QUEUE_URL_LIST", "[\"https://sqs.eu-west-1.amazonaws.com/123456789012/wallet-events.fifo\"]");
        // Nothing may be sent: the probe has no region and no credentials, and this endpoint does not answer.
        pb.environment().put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("SLF4J(W)").doesNotContain("No SLF4J providers")
                .containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} +INFO +probe - probe logging through SLF4J")
                .contains("answer 400 {\"error\":\"invalid_request\",\"field\":\"amount\"")
                .contains("fan-out queues [https://sqs.eu-west-1.amazonaws.com/123456789012/wallet-events.fifo]");
    }
}
