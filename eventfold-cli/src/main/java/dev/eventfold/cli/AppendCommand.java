package dev.eventfold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eventfold append TYPE/ID --event-type T --payload JSON}: one event through the dispatcher. */
@Command(name = "append", mixinStandardHelpOptions = true,
        description = "Append one event through the dispatcher (ids, timestamp, version, retries).")
final class AppendCommand extends AwsCommand {
    @Parameters(index = "0", paramLabel = "TYPE/ID", converter = Converters.Aggregate.class,
            description = "The aggregate, e.g. wallet/wal_123.")
    AggregateRef aggregate;

    @Option(names = "--event-type", required = true, paramLabel = "TYPE", description = "e.g. Wallet.Funded")
    String eventType;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    PayloadSource payloadSource;

    /** Where the payload comes from: inline or a file. */
    static final class PayloadSource {
        @Option(names = "--payload", paramLabel = "JSON", description = "The payload, e.g. '{\"amount\":5000}'.")
        String json;

        @Option(names = "--payload-file", paramLabel = "FILE", description = "A file holding the payload JSON.")
        Path file;
    }

    @Option(names = "--source", paramLabel = "SERVICE", description = "The producing service, e.g. billing.")
    String source;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant id.")
    String tenant;

    @Option(names = "--expected-version", paramLabel = "VERSION",
            description = "Append only if the aggregate is at this version (0: new); default: whatever it is.")
    Long expectedVersion;

    @Option(names = "--event-id", paramLabel = "ID", description = "The eventId (default: evt- + ULID).")
    String eventId;

    EventSpec event;

    @Override
    void validate() {
        JsonNode payload = null;
        if (payloadSource != null && payloadSource.json != null) {
            payload = parse("--payload", payloadSource.json);
        } else if (payloadSource != null && payloadSource.file != null) {
            String text;
            try {
                text = Files.readString(payloadSource.file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : "read error";
                throw usage("--payload-file: cannot read " + payloadSource.file + " (" + why + ")");
            }
            payload = parse("--payload-file", text);
        }
        if (expectedVersion != null && (expectedVersion < 0 || expectedVersion >= Keys.MAX_VERSION)) {
            throw usage("--expected-version: must be in 0.." + (Keys.MAX_VERSION - 1) + ", was " + expectedVersion);
        }
        EventSpec.Builder b = EventSpec.builder().aggregate(aggregate).eventType(eventType).payload(payload)
                .source(source).tenantId(tenant).eventId(eventId);
        if (expectedVersion != null) {
            b.expectedVersion(expectedVersion);
        }
        try {
            event = b.build();
        } catch (InvalidInputException e) {
            throw usage(e.getMessage());
        }
    }

    private JsonNode parse(String option, String text) {
        if (text.isBlank()) {
            throw usage(option + ": empty; give a JSON value such as {\"amount\":5000}");
        }
        try {
            return EventJson.parse(text);
        } catch (InvalidInputException e) {
            // The parser's own message would quote the input: only the position is shown.
            throw usage(option + ": " + e.getMessage().replaceFirst("^json: ", ""));
        }
    }

    @Override
    int run(Context c) {
        try (Dispatcher dispatcher = Dispatcher.of(c.store())) {
            DispatchResult r = dispatcher.dispatchEvent(event);
            out().println("appended " + event.eventType() + " to " + r.aggregate() + " at version " + r.version()
                    + " (eventId " + r.eventId() + ", sk " + r.sk() + ")"
                    + (r.alreadyAppended() ? ", already there from an earlier attempt" : ""));
        }
        return EventfoldCli.EXIT_OK;
    }
}
