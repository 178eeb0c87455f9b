package dev.eventfold.cli.demo;

import dev.eventfold.aws.FanOutReplaySink;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.fanout.QueuePublisher;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.integrity.InMemoryItems;
import dev.eventfold.integrity.IntegrityChecker;
import dev.eventfold.integrity.IntegrityReport;
import dev.eventfold.listener.EventListener;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.runtime.EmbeddedRuntime;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** The story on {@link EmbeddedRuntime}: in-memory store, fan-out, queues and bus, all on this thread. */
final class EmbeddedDemoRuntime implements DemoRuntime {
    private static final String PROJECTIONS = "projections.fifo";
    private static final String AUDIT = "audit";
    private static final String PROCESSES = "processes";
    private static final String BUS = "domain-events";

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final AtomicLong appends = new AtomicLong();
    private EmbeddedRuntime runtime;

    EmbeddedDemoRuntime() {
        store.onAppend(events -> appends.incrementAndGet());
    }

    @Override
    public String describe() {
        return "the embedded in-memory runtime (no AWS, no setup)";
    }

    @Override
    public List<String> setUp() {
        return List.of();
    }

    @Override
    public EventStore store() {
        return store;
    }

    @Override
    public String projectionQueue() {
        return PROJECTIONS;
    }

    @Override
    public String auditQueue() {
        return AUDIT;
    }

    @Override
    public String processQueue() {
        return PROCESSES;
    }

    @Override
    public void start(EventListener projection, EventListener audit, EventListener processes) {
        runtime = EmbeddedRuntime.builder(store)
                .queue(PROJECTIONS, projection)
                .queue(PROCESSES, processes)
                .bus(BUS)
                .rule(entry -> "billing".equals(entry.source()), AUDIT)
                .listener(AUDIT, audit)
                .build();
    }

    @Override
    public void settle(String what, BooleanSupplier done) {
        runtime.drain();
        if (!done.getAsBoolean()) {
            throw new IllegalStateException("the embedded runtime went idle before " + what);
        }
    }

    @Override
    public ReplaySink replaySink(String replayId) {
        QueuePublisher toQueue = (name, entries) -> {
            entries.forEach(runtime.queue(name)::send);
            return List.of();
        };
        return new FanOutReplaySink(StreamFanOut.builder().queues(List.of(PROJECTIONS))
                .queuePublisher(FanOutReplaySink.replayDeduplication(toQueue, replayId))
                .backoff(Duration.ZERO, Duration.ZERO).executor(Runnable::run).build());
    }

    @Override
    public IntegrityReport verify(AggregateRef aggregate) {
        return IntegrityChecker.check("in-memory store", InMemoryItems.of(store));
    }

    @Override
    public long appendsWritten() {
        return appends.get();
    }

    @Override
    public List<String> requestSummary() {
        return List.of("requests: none, everything ran in this process");
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
