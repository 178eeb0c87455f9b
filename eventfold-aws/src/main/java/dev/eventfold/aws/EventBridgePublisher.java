package dev.eventfold.aws;

import dev.eventfold.fanout.BusEntry;
import dev.eventfold.fanout.BusPublisher;
import dev.eventfold.fanout.EntryFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/**
 * Puts fan-out entries on a bus with EventBridge {@code PutEvents}. Results come back in request
 * order; an entry with an error code, or without an event id, is a failure (what
 * {@code FailedEntryCount} counts). {@code InternalFailure} and {@code ThrottlingException} are
 * retryable, as the PutEvents documentation advises.
 *
 * <pre>{@code
 * EventBridgePublisher bus = new EventBridgePublisher(EventBridgeClient.create());
 * bus.requireBus("domain-events");   // at start-up: PutEvents to a missing bus reports success
 * }</pre>
 */
public final class EventBridgePublisher implements BusPublisher {
    private static final Set<String> RETRYABLE = Set.of("InternalFailure", "ThrottlingException", "InternalException",
            "ServiceUnavailable");

    private final EventBridgeClient events;

    public EventBridgePublisher(EventBridgeClient events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Fails with {@link MissingDestinationException} when the bus does not exist. */
    public void requireBus(String busName) {
        try {
            events.describeEventBus(r -> r.name(busName));
        } catch (ResourceNotFoundException e) {
            throw new MissingDestinationException("bus", busName, e);
        }
    }

    @Override
    public List<EntryFailure> put(String busName, List<BusEntry> entries) {
        List<PutEventsRequestEntry> request = new ArrayList<>(entries.size());
        for (BusEntry e : entries) {
            request.add(PutEventsRequestEntry.builder().eventBusName(busName).source(e.source())
                    .detailType(e.detailType()).detail(e.detail()).build());
        }
        PutEventsResponse response = events.putEvents(r -> r.entries(request));
        List<PutEventsResultEntry> results = response.entries();
        List<EntryFailure> failures = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            PutEventsResultEntry r = i < results.size() ? results.get(i) : null;
            String id = entries.get(i).id();
            if (r == null) {
                failures.add(new EntryFailure(id, "NotInResponse", "no result for this entry", true));
            } else if (r.errorCode() != null || r.eventId() == null) {
                String code = r.errorCode() == null ? "NoEventId" : r.errorCode();
                failures.add(new EntryFailure(id, code, r.errorMessage(), RETRYABLE.contains(code) || r.errorCode() == null));
            }
        }
        Integer counted = response.failedEntryCount();
        if (counted != null && counted > failures.size()) {
            // The count says more failed than the entries show: trust the count, resend them all.
            List<EntryFailure> all = new ArrayList<>();
            for (BusEntry e : entries) {
                all.add(new EntryFailure(e.id(), "FailedEntryCount", counted + " entries failed", true));
            }
            return all;
        }
        return failures;
    }
}
