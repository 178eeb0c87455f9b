package dev.eventfold.cli.demo;

import java.io.PrintWriter;

/**
 * Runs the wallet story on the embedded runtime or on AWS (or an emulator).
 *
 * <pre>{@code
 * int exit = WalletDemo.runEmbedded(out);
 * }</pre>
 */
public final class WalletDemo {
    private WalletDemo() {
    }

    /** The story on the embedded in-memory runtime; 0 when it went as told. */
    public static int runEmbedded(PrintWriter out) {
        try (DemoRuntime runtime = new EmbeddedDemoRuntime()) {
            return new WalletStory(runtime, out).run();
        } finally {
            out.flush();
        }
    }

    /**
     * The story on DynamoDB, SQS and EventBridge.
     *
     * @param table a table to use, or null to create one for the run
     * @param keep  keep the table, queues and bus the run created
     */
    public static int runOnAws(AwsResources aws, String table, boolean keep, PrintWriter out) {
        try (DemoRuntime runtime = new AwsDemoRuntime(aws, table, keep)) {
            return new WalletStory(runtime, out).run();
        } finally {
            out.flush();
        }
    }
}
