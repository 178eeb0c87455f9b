package dev.eventfold.cli;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.dynamodb.integrity.DynamoDbIntegrityCheck;
import dev.eventfold.integrity.Defect;
import dev.eventfold.integrity.IntegrityReport;
import java.util.OptionalLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eventfold verify}: the integrity check of an aggregate, a tenant or the whole table. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the table's integrity: versions 1..n without gaps, no eventId twice in an aggregate,"
                + " heads matching their last event, every item well formed.",
                "Exit code 0 when clean, 1 when defects were found."})
final class VerifyCommand extends AwsCommand {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Scope scope;

    /** What to check; the whole table when neither is given. */
    static final class Scope {
        @Option(names = "--aggregate", paramLabel = "TYPE/ID", converter = Converters.Aggregate.class,
                description = "One aggregate (a Query of its partition).")
        AggregateRef aggregate;

        @Option(names = "--tenant", paramLabel = "TENANT", description = "A tenant's aggregates (through tenantIndex).")
        String tenant;
    }

    @Option(names = "--segments", paramLabel = "N", defaultValue = "4",
            description = "Segments of the parallel scan of the whole table (default ${DEFAULT-VALUE}).")
    int segments;

    @Override
    void validate() {
        if (segments < 1 || segments > 1000) {
            throw usage("--segments: must be in 1..1000, was " + segments);
        }
        if (scope != null && scope.tenant != null && scope.tenant.isBlank()) {
            throw usage("--tenant: must not be blank");
        }
    }

    @Override
    int run(Context c) {
        ProgressBar bar = ProgressBar.forCommand(err(), env(), common, "verify  items", OptionalLong.empty());
        DynamoDbIntegrityCheck check = DynamoDbIntegrityCheck.builder().client(c.clients().dynamoDb())
                .tableName(c.table()).segments(segments).progress(bar::update).build();
        IntegrityReport report;
        if (scope != null && scope.aggregate != null) {
            report = check.checkAggregate(scope.aggregate);
        } else if (scope != null && scope.tenant != null) {
            report = check.checkTenant(scope.tenant);
        } else {
            report = check.checkTable();
        }
        bar.finish(report.itemsChecked());
        out().println(report.summary());
        for (Defect d : report.defects()) {
            out().println("  " + d);
        }
        if (report.truncated()) {
            out().println("  ... and " + (report.defectCount() - report.defects().size()) + " more");
        }
        return report.exitCode();
    }
}
