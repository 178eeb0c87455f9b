package dev.eventfold.testkit;

import java.net.URI;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests an {@link AwsTestEnvironment}: one single-threaded moto
 * server per test run, started on first use on 127.0.0.1 at a free port, waited for, and stopped
 * when the run ends. With {@code EVENTFOLD_TEST_ENDPOINT} set, that endpoint is used instead.
 *
 * <pre>{@code
 * @ExtendWith(AwsExtension.class)
 * class MyTest {
 *     @Test void writes(AwsTestEnvironment aws) { DynamoDbClient ddb = aws.dynamoDb(); ... }
 * }
 * }</pre>
 */
public final class AwsExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AwsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        environment(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == AwsTestEnvironment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return environment(extensionContext);
    }

    /** The environment for this test run, starting moto on first use. */
    public static AwsTestEnvironment environment(ExtensionContext context) {
        // The root store outlives every test class and closes its resources when the run ends.
        return context.getRoot().getStore(NS)
                .getOrComputeIfAbsent("environment", k -> new Holder(), Holder.class).environment;
    }

    private static final class Holder implements AutoCloseable {
        final AwsTestEnvironment environment;
        final MotoServer server;

        Holder() {
            String configured = System.getenv("EVENTFOLD_TEST_ENDPOINT");
            if (configured == null || configured.isBlank()) {
                server = MotoServer.start();
                environment = AwsTestEnvironment.forEmulator(server.endpoint());
            } else if (configured.equalsIgnoreCase("aws")) {
                server = null;
                environment = AwsTestEnvironment.forRealAws();
            } else {
                server = null;
                environment = AwsTestEnvironment.forEmulator(URI.create(configured));
            }
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
