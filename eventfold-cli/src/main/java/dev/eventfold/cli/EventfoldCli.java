package dev.eventfold.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code eventfold} command line.
 *
 * <pre>{@code
 * java -jar eventfold.jar demo
 * java -jar eventfold.jar --help
 * }</pre>
 */
@Command(name = "eventfold", mixinStandardHelpOptions = true, version = "eventfold 0.1.0",
        description = "Event sourcing on DynamoDB, SQS and EventBridge, wire-compatible with @auriclabs/events.",
        subcommands = {DemoCommand.class})
public final class EventfoldCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code, for tests. */
    public static int run(String... args) {
        return new CommandLine(new EventfoldCli()).execute(args);
    }
}
