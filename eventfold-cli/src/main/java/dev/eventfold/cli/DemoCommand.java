package dev.eventfold.cli;

import dev.eventfold.cli.demo.AwsResources;
import dev.eventfold.cli.demo.WalletDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code eventfold demo}: the wallet story, in memory by default, on AWS or an emulator with {@code --endpoint}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the wallet story: typed dispatchers, fan-out, a projection, a decider, a replay, verify.",
                "In memory by default (no setup); with --endpoint (moto, LocalStack) or --aws on DynamoDB, SQS and"
                        + " EventBridge, creating a table, queues and a bus for the run and deleting them after it."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    EventfoldCli root;

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Mixin
    CommonOptions common;

    @Option(names = "--aws", description = "Run on AWS itself (default credentials and region) instead of in memory.")
    boolean realAws;

    @Option(names = "--keep", description = "Keep the table, queues and bus the run created.")
    boolean keep;

    @Override
    public Integer call() {
        boolean onAws = aws.endpoint != null || realAws;
        if (!onAws && (aws.table != null || aws.region != null || keep)) {
            throw new ParameterException(spec.commandLine(), "--table, --region and --keep need --endpoint URL or --aws");
        }
        if (!onAws) {
            return WalletDemo.runEmbedded(spec.commandLine().getOut());
        }
        String table = aws.table == null ? null : aws.table(spec.commandLine(), root.environment());
        AwsOptions.Target target = aws.target(spec.commandLine(), root.environment());
        RequestTally tally = new RequestTally();
        try (AwsClients clients = new AwsClients(target, tally)) {
            String where = target.endpoint().map(Object::toString).orElse("AWS " + target.region().id());
            return WalletDemo.runOnAws(new AwsResources(where, clients.dynamoDb(), clients.streams(), clients.sqs(),
                    clients.eventBridge(), tally::snapshot), table, keep, spec.commandLine().getOut());
        }
    }
}
