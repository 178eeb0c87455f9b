package dev.eventfold.cli;

import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.aws.StreamPoller;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.fanout.EntryFailure;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.StreamFanOut;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * {@code eventfold tail}: follows the table's stream and prints events as they come, through the
 * same stream poller and fan-out as the local runner, with a "queue" that prints.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Follow the table's stream and print events as they are appended (Ctrl-C to stop).")
final class TailCommand extends AwsCommand {
    /** The fan-out needs a destination: this one is stdout. */
    private static final String STDOUT = "stdout";

    @Option(names = "--from-start", description = "Start at the oldest record the stream keeps (24 h), not at new ones.")
    boolean fromStart;

    @Option(names = "--max-events", paramLabel = "N", description = "Stop after printing N events.")
    Long maxEvents;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Converters.ShortDuration.class,
            description = "Stop when no event came for this long, e.g. 10s.")
    Duration idleTimeout;

    @Option(names = "--poll-interval", paramLabel = "DURATION", converter = Converters.ShortDuration.class,
            defaultValue = "250ms", description = "Pause after a poll that found nothing (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json",
            description = "table (one line per event, default) or json (one event body per line).")
    EventFormat.Output output;

    @Override
    void validate() {
        if (maxEvents != null && maxEvents < 1) {
            throw usage("--max-events: must be at least 1, was " + maxEvents);
        }
        if (idleTimeout != null && idleTimeout.isZero()) {
            throw usage("--idle-timeout: must be positive");
        }
    }

    @Override
    int run(Context c) throws InterruptedException {
        String streamArn = EventTable.latestStreamArn(c.clients().dynamoDb(), c.table());
        AtomicLong printed = new AtomicLong();
        try (StreamFanOut printer = StreamFanOut.builder().queues(List.of(STDOUT))
                .queuePublisher((queue, entries) -> print(entries, printed))
                .executor(Runnable::run).build()) {
            // The position is taken before "tailing" is printed: an event appended after that line is shown.
            StreamPoller poller = new StreamPoller(c.clients().streams(), streamArn, printer,
                    fromStart ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST, 100).open();
            err().println("tailing " + c.table() + (fromStart ? " from the oldest stream record" : " (new events only)")
                    + "; Ctrl-C to stop");
            err().flush();
            return follow(poller, printed);
        }
    }

    private int follow(StreamPoller poller, AtomicLong printed) throws InterruptedException {
        long lastSeen = printed.get();
        long lastActivity = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            int read = poller.pollOnce();
            if (maxEvents != null && printed.get() >= maxEvents) {
                break;
            }
            if (printed.get() != lastSeen) {
                lastSeen = printed.get();
                lastActivity = System.nanoTime();
            } else if (idleTimeout != null && System.nanoTime() - lastActivity >= idleTimeout.toNanos()) {
                err().println("no event for " + idleTimeout.toMillis() + " ms: stopping after " + printed.get() + " events");
                break;
            }
            if (read == 0) {
                Thread.sleep(pollInterval.toMillis());
            }
        }
        return EventfoldCli.EXIT_OK;
    }

    private List<EntryFailure> print(List<QueueEntry> entries, AtomicLong printed) {
        for (QueueEntry e : entries) {
            if (maxEvents != null && printed.get() >= maxEvents) {
                break; // the rest of the batch is acknowledged unprinted: the command stops here
            }
            if (output == EventFormat.Output.json) {
                out().println(e.body());
            } else {
                try {
                    JsonNode body = EventJson.parse(e.body());
                    EventRecord event = EventItems.fromJson(body);
                    out().println(EventFormat.line(event));
                } catch (InvalidInputException bad) {
                    // Printed, not failed: a failure would make the poller read this record again forever.
                    out().println("(unreadable event item: " + bad.getMessage() + ")");
                }
            }
            printed.incrementAndGet();
        }
        out().flush();
        return List.of();
    }
}
