package dev.eventfold.cli;

import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.json.EventJson;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eventfold head TYPE/ID}: the aggregate's head item. */
@Command(name = "head", mixinStandardHelpOptions = true,
        description = "Print an aggregate's head: its current version and last event. Exit code 1 when it has no events.")
final class HeadCommand extends AwsCommand {
    @Parameters(index = "0", paramLabel = "TYPE/ID", converter = Converters.Aggregate.class,
            description = "The aggregate, e.g. wallet/wal_123.")
    AggregateRef aggregate;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json",
            description = "table (default) or json (the head item).")
    EventFormat.Output output;

    @Override
    int run(Context c) {
        Optional<AggregateHead> head = c.store().getHead(aggregate);
        if (head.isEmpty()) {
            err().println("eventfold: " + aggregate + " has no events in table " + c.table());
            return EventfoldCli.EXIT_FAILED;
        }
        AggregateHead h = head.get();
        if (output == EventFormat.Output.json) {
            out().println(EventJson.write(EventItems.toHeadJson(h)));
            return EventfoldCli.EXIT_OK;
        }
        out().println("aggregate       " + h.aggregate());
        out().println("pk              " + h.pk());
        out().println("currentVersion  " + h.currentVersion());
        out().println("lastEventId     " + dash(h.lastEventId()));
        out().println("lastIdemKey     " + dash(h.lastIdemKey()));
        out().println("updatedAt       " + dash(h.updatedAt()));
        return EventfoldCli.EXIT_OK;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
