package dev.eventfold.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code eventfold} command line: the demo, and the tools for a shared event table
 * ({@code create-table}, {@code head}, {@code events}, {@code append}, {@code replay},
 * {@code verify}, {@code tail}).
 *
 * <pre>{@code
 * java -jar eventfold.jar demo
 * java -jar eventfold.jar events wallet/wal_123 --table events --limit 20 --output json
 * }</pre>
 *
 * <p>Exit codes: 0 done; 1 the operation failed or found defects; 2 a usage error (bad or missing
 * argument), reported before any request. Errors are one line on stderr; {@code --verbose} adds
 * the stack trace.
 */
@Command(name = "eventfold", mixinStandardHelpOptions = true, versionProvider = EventfoldCli.Version.class,
        description = "Event sourcing on DynamoDB, SQS and EventBridge, wire-compatible with @auriclabs/events.",
        subcommands = {DemoCommand.class, CreateTableCommand.class, HeadCommand.class, EventsCommand.class,
                AppendCommand.class, ReplayCommand.class, VerifyCommand.class, TailCommand.class})
public final class EventfoldCli implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    EventfoldCli(CliEnvironment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    CliEnvironment environment() {
        return environment;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("eventfold: a command is required (see 'eventfold --help')");
        err.flush();
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        // Progress bars go to stderr: drawn unasked only when stderr is visibly a terminal (see StderrTerminal).
        int code = run(out, err, System.getenv(), StderrTerminal.detect(), args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs a command line on the process's streams and environment and returns its exit code. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        return run(out, err, System.getenv(), false, args);
    }

    /**
     * Runs a command line in-process with the given output streams and environment (for
     * {@code EVENTFOLD_TABLE}, {@code AWS_REGION}, credentials) and returns its exit code.
     */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        return run(out, err, env, false, args);
    }

    static int run(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal, String... args) {
        CommandLine cl = commandLine(new CliEnvironment(env, terminal));
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command line with its error handling: one line per error, the exit codes above. */
    static CommandLine commandLine(CliEnvironment environment) {
        CommandLine cl = new CommandLine(new EventfoldCli(environment));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            String message = String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim();
            err.println("eventfold: " + message + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            PrintWriter err = failed.getErr();
            boolean verbose = verbose(parseResult);
            err.println("eventfold: " + Errors.describe(ex) + (Errors.isUnexpected(ex) && !verbose
                    ? " (run with --verbose for the stack trace)" : ""));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return Errors.exitCode(ex);
        });
        return cl;
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code --version}: the version of the build, from {@code version.properties}, which the build
     * fills in from the pom ({@code src/main/resources-filtered}): the pom is its one source, and
     * {@code ./scripts/release.sh} changes it there.
     */
    static final class Version implements CommandLine.IVersionProvider {
        static String version() {
            try (InputStream in = EventfoldCli.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IllegalStateException("version.properties is missing from the class path");
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String[] getVersion() {
            return new String[] {"eventfold " + version()};
        }
    }
}
