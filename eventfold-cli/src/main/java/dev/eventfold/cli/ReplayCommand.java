package dev.eventfold.cli;

import dev.eventfold.aws.EventBridgePublisher;
import dev.eventfold.aws.FanOutReplaySink;
import dev.eventfold.aws.MissingDestinationException;
import dev.eventfold.aws.SqsQueuePublisher;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dynamodb.scan.DynamoDbScanSource;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.replay.FileReplayCheckpointStore;
import dev.eventfold.replay.ReplayReport;
import dev.eventfold.replay.ReplaySelector;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.replay.Replayer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** {@code eventfold replay}: republish stored events with {@code meta.replay = true}. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Republish stored events to queues and/or the bus with meta.replay = true (WIRE.md section 6).",
                "Select one aggregate, one tenant, or event types in a time range (a parallel scan).",
                "Exit code 0 when everything selected was published, 1 otherwise (resume with the same --checkpoint)."})
final class ReplayCommand extends AwsCommand {
    @Option(names = "--aggregate", paramLabel = "TYPE/ID", converter = Converters.Aggregate.class,
            description = "Every event of one aggregate, in version order.")
    AggregateRef aggregate;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Every event of a tenant's aggregates (tenantIndex).")
    String tenant;

    @Option(names = "--event-type", paramLabel = "TYPE", arity = "1..*",
            description = "Events of these types (repeatable); with --from/--to, a scan of the whole table.")
    List<String> eventTypes = new ArrayList<>();

    @Option(names = "--from", paramLabel = "INSTANT", converter = Converters.IsoInstant.class,
            description = "Events that occurred at or after this ISO-8601 instant, e.g. 2026-11-27T00:00:00Z.")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", converter = Converters.IsoInstant.class,
            description = "Events that occurred before this instant.")
    Instant to;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "4",
            description = "Segments of the scan by type and time, read in parallel (default ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--queue-url", paramLabel = "URL", arity = "1..*", description = "Queues to republish to (repeatable).")
    List<String> queueUrls = new ArrayList<>();

    @Option(names = "--bus", paramLabel = "NAME", description = "The EventBridge bus to republish to (checked first).")
    String bus;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND", description = "At most this many events per second.")
    Double rate;

    @Option(names = "--dry-run", description = "Only count what would be republished.")
    boolean dryRun;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Save the position here after every batch and resume from it (e.g. replays/fix-1.json).")
    Path checkpoint;

    ReplaySelector selector;
    String replayId;

    @Override
    void validate() {
        boolean scan = !eventTypes.isEmpty() || from != null || to != null;
        int chosen = (aggregate != null ? 1 : 0) + (tenant != null ? 1 : 0) + (scan ? 1 : 0);
        if (chosen != 1) {
            throw usage((chosen == 0 ? "nothing selected" : "more than one selection")
                    + ": give one of --aggregate TYPE/ID, --tenant TENANT, or --event-type/--from/--to");
        }
        if (segments < 1 || segments > ReplaySelector.TypeAndTime.MAX_SEGMENTS) {
            throw usage("--segments: must be in 1.." + ReplaySelector.TypeAndTime.MAX_SEGMENTS + ", was " + segments);
        }
        if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
            throw usage("--rate: must be a positive number of events per second, was " + rate);
        }
        if (!dryRun && queueUrls.isEmpty() && bus == null) {
            throw usage("no target: give --queue-url URL and/or --bus NAME (or --dry-run to count only)");
        }
        for (String url : queueUrls) {
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw usage("--queue-url: not a URL: '" + url + "'");
            }
            if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null || u.getPath().isEmpty()) {
                throw usage("--queue-url: expected a queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/q,"
                        + " got '" + url + "'");
            }
        }
        if (new LinkedHashSet<>(queueUrls).size() != queueUrls.size()) {
            throw usage("--queue-url: a queue is given twice");
        }
        if (bus != null && bus.isBlank()) {
            throw usage("--bus: must not be blank");
        }
        if (checkpoint != null) {
            String name = checkpoint.getFileName() == null ? "" : checkpoint.getFileName().toString();
            replayId = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
            if (!replayId.matches("[A-Za-z0-9._-]{1,100}")) {
                throw usage("--checkpoint: name the file with 1 to 100 of A-Z a-z 0-9 . _ - (and .json), got '" + name + "'");
            }
        }
        try {
            selector = aggregate != null ? ReplaySelector.aggregate(aggregate)
                    : tenant != null ? ReplaySelector.tenant(tenant)
                    : ReplaySelector.eventTypes(new LinkedHashSet<>(eventTypes), from, to, segments);
        } catch (InvalidInputException e) {
            throw usage(e.getMessage());
        }
    }

    @Override
    int run(Context c) {
        Replayer.Builder b = Replayer.builder(c.store())
                .parallelism(Math.min(segments, 8));
        if (selector instanceof ReplaySelector.TypeAndTime) {
            b.scanSource(DynamoDbScanSource.builder().client(c.clients().dynamoDb()).tableName(c.table()).build());
        }
        ProgressBar bar = ProgressBar.forCommand(err(), env(), common, dryRun ? "replay (dry run)" : "replay",
                java.util.OptionalLong.empty());
        b.progress(p -> {
            bar.total(p.estimatedTotal());
            bar.update(dryRun ? p.matched() : p.published());
        });
        ReplayReport report;
        if (dryRun) {
            report = b.build().dryRun(selector);
        } else {
            requireDestinations(c);
            String id = replayId != null ? replayId : "replay-" + UUID.randomUUID();
            // Closed after the run: the fan-out's threads (one per destination beyond the first) end with it.
            try (StreamFanOut fanOut = fanOut(c, id)) {
                b.sink(new FanOutReplaySink(fanOut)).rateLimit(rate == null ? 0 : rate);
                if (checkpoint != null) {
                    Path dir = checkpoint.toAbsolutePath().getParent();
                    b.checkpoints(new FileReplayCheckpointStore(dir), replayId);
                }
                report = b.build().run(selector);
            }
        }
        bar.finish(dryRun ? report.matched() : report.published());
        out().println(report.summary());
        List<ReplaySink.Failure> failures = report.failures();
        for (int i = 0; i < Math.min(5, failures.size()); i++) {
            err().println("  not published: " + failures.get(i).eventId() + " " + failures.get(i).reason());
        }
        if (failures.size() > 5) {
            err().println("  ... and " + (failures.size() - 5) + " more");
        }
        if (!dryRun && !report.completed() && checkpoint != null) {
            err().println("eventfold: replay stopped; run the same command again to resume from " + checkpoint);
        }
        return report.exitCode();
    }

    /** Fails before anything is sent when a destination is missing: PutEvents to a missing bus reports success. */
    private void requireDestinations(Context c) {
        if (bus != null) {
            new EventBridgePublisher(c.clients().eventBridge()).requireBus(bus);
        }
        for (String url : queueUrls) {
            try {
                c.clients().sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN));
            } catch (QueueDoesNotExistException e) {
                throw new MissingDestinationException("queue", url, e);
            }
        }
    }

    private StreamFanOut fanOut(Context c, String id) {
        StreamFanOut.Builder f = StreamFanOut.builder();
        if (!queueUrls.isEmpty()) {
            // Replayed FIFO messages get deduplication ids of this replay: the queue would drop an eventId seen within 5 minutes.
            f.queues(queueUrls).queuePublisher(FanOutReplaySink.replayDeduplication(new SqsQueuePublisher(c.clients().sqs()), id));
        }
        if (bus != null) {
            f.bus(bus).busPublisher(new EventBridgePublisher(c.clients().eventBridge()));
        }
        return f.build();
    }
}
