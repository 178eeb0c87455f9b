package dev.eventfold.cli;

import dev.eventfold.dynamodb.EventTable;
import picocli.CommandLine.Command;

/** {@code eventfold create-table}: the shared table as WIRE.md section 1 describes it. */
@Command(name = "create-table", mixinStandardHelpOptions = true,
        description = "Create the event table: pk/sk, stream NEW_AND_OLD_IMAGES, GSI tenantIndex, on-demand."
                + " Waits until it is ACTIVE; an existing table is left as it is.")
final class CreateTableCommand extends AwsCommand {
    @Override
    int run(Context c) {
        boolean created = EventTable.create(c.clients().dynamoDb(), c.table());
        out().println(created
                ? "created table " + c.table() + " (stream NEW_AND_OLD_IMAGES, GSI " + EventTable.TENANT_INDEX + ", on-demand)"
                : "table " + c.table() + " already exists: left as it is");
        return EventfoldCli.EXIT_OK;
    }
}
