package dev.eventfold.cli;

import dev.eventfold.dynamodb.DynamoDbEventStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The frame of a command on the event table: its arguments are checked first ({@link #validate()},
 * table, endpoint, region), then clients are built, used and closed. No request is sent before
 * every argument has passed.
 */
abstract class AwsCommand implements Callable<Integer> {
    @ParentCommand
    EventfoldCli root;

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Mixin
    CommonOptions common;

    /** What a command works with once its arguments are valid. */
    record Context(String table, AwsClients clients) {
        DynamoDbEventStore store() {
            return DynamoDbEventStore.builder().client(clients.dynamoDb()).tableName(table).build();
        }
    }

    @Override
    public final Integer call() throws Exception {
        validate();
        String table = aws.table(cl(), env());
        AwsOptions.Target target = aws.target(cl(), env());
        try (AwsClients clients = new AwsClients(target, new RequestTally())) {
            return run(new Context(table, clients));
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Checks the command's own arguments; throws {@link CommandLine.ParameterException} for a usage error. */
    void validate() throws Exception {
    }

    abstract int run(Context context) throws Exception;

    CommandLine cl() {
        return spec.commandLine();
    }

    PrintWriter out() {
        return cl().getOut();
    }

    PrintWriter err() {
        return cl().getErr();
    }

    CliEnvironment env() {
        return root.environment();
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(cl(), message);
    }
}
