package dev.eventfold.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.fanout.BusEntry;
import dev.eventfold.fanout.QueueEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An in-process event bus: rules send matching entries to queues as EventBridge does to an SQS
 * target, wrapped in the EventBridge envelope ({@code detail-type}, {@code source}, {@code detail}).
 */
public final class InMemoryBus {
    private final String name;
    private final Clock clock;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<BusEntry> received = new CopyOnWriteArrayList<>();

    private record Rule(Predicate<BusEntry> matches, InMemoryQueue target) {
    }

    InMemoryBus(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String name() {
        return name;
    }

    void addRule(Predicate<BusEntry> matches, InMemoryQueue target) {
        rules.add(new Rule(Objects.requireNonNull(matches, "matches"), Objects.requireNonNull(target, "target")));
    }

    void put(BusEntry entry) {
        received.add(entry);
        for (Rule r : rules) {
            if (r.matches().test(entry)) {
                String id = UUID.randomUUID().toString();
                ObjectNode envelope = EventJson.mapper().createObjectNode();
                envelope.put("version", "0").put("id", id).put("detail-type", entry.detailType())
                        .put("source", entry.source()).put("account", "000000000000")
                        .put("time", Timestamps.format(clock.instant())).put("region", "local");
                envelope.putArray("resources");
                envelope.set("detail", EventJson.parse(entry.detail()));
                ObjectNode detail = (ObjectNode) envelope.get("detail");
                boolean fifo = r.target().isFifo();
                String group = detail.path("aggregateId").asText(id);
                r.target().send(new QueueEntry("e0", EventJson.write(envelope),
                        fifo ? Optional.of(group) : Optional.empty(), fifo ? Optional.of(id) : Optional.empty()));
            }
        }
    }

    /** Every entry the bus accepted, in order. */
    public List<BusEntry> receivedEntries() {
        return new ArrayList<>(received);
    }
}
