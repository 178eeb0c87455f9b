package dev.eventfold.cli;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eventfold events TYPE/ID}: one page of an aggregate's events, or all of them. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "List an aggregate's events in version order, a page at a time (--cursor continues) or --all.")
final class EventsCommand extends AwsCommand {
    @Parameters(index = "0", paramLabel = "TYPE/ID", converter = Converters.Aggregate.class,
            description = "The aggregate, e.g. wallet/wal_123.")
    AggregateRef aggregate;

    @Option(names = "--after", paramLabel = "VERSION", defaultValue = "0", description = "Only versions after this one.")
    long after;

    @Option(names = "--through", paramLabel = "VERSION", description = "Only versions up to this one, inclusive.")
    Long through;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "Events per page (default ${DEFAULT-VALUE}); with --all, the page size of each read.")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue a listing: the cursor a page printed.")
    String cursor;

    @Option(names = "--all", description = "Follow every page to the end.")
    boolean all;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json",
            description = "table (default) or json: {data, cursor, hasMore} with the events as stored.")
    EventFormat.Output output;

    EventQuery query;

    @Override
    void validate() {
        if (after < 0 || after >= Keys.MAX_VERSION) {
            throw usage("--after: must be in 0.." + (Keys.MAX_VERSION - 1) + ", was " + after);
        }
        if (through != null && (through < 1 || through > Keys.MAX_VERSION || through <= after)) {
            throw usage("--through: must be above --after (" + after + ") and at most " + Keys.MAX_VERSION + ", was " + through);
        }
        if (limit < 1 || limit > 1000) {
            throw usage("--limit: must be in 1..1000, was " + limit);
        }
        EventQuery q = EventQuery.of(aggregate).after(after).limit(limit);
        if (through != null) {
            q = q.through(through);
        }
        if (cursor != null) {
            try {
                q = q.continueFrom(cursor);
            } catch (InvalidInputException e) {
                throw usage("--cursor: expected a cursor printed by a previous page, such as EVT#000000100");
            }
        }
        query = q;
    }

    @Override
    int run(Context c) {
        EventStore store = c.store();
        Page<EventRecord> page;
        if (all) {
            try (Stream<EventRecord> events = store.readEvents(query)) {
                page = Page.last(events.toList());
            }
        } else {
            page = store.listEvents(query);
        }
        if (output == EventFormat.Output.json) {
            out().println(EventJson.write(EventFormat.pageJson(page)));
            return EventfoldCli.EXIT_OK;
        }
        List<EventRecord> data = page.data();
        if (data.isEmpty()) {
            out().println("no events of " + aggregate + (after > 0 || through != null ? " in that range" : ""));
        } else {
            EventFormat.table(out(), data);
        }
        if (page.hasMore()) {
            out().println("more: --cursor " + page.cursor());
        }
        return EventfoldCli.EXIT_OK;
    }
}
