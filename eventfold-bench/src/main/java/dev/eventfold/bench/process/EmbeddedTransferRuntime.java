package dev.eventfold.bench.process;

import dev.eventfold.listener.EventListener;
import dev.eventfold.runtime.EmbeddedRuntime;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.InMemoryEventStore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory store, fan-out and queue of {@link EmbeddedRuntime}, its loop on one background
 * thread ({@link EmbeddedRuntime#start()}), as the demo wires it.
 */
final class EmbeddedTransferRuntime implements TransferRuntime {
    private static final String QUEUE = "processes";

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final AtomicLong appends = new AtomicLong();
    private volatile boolean counting;
    private EmbeddedRuntime runtime;

    EmbeddedTransferRuntime() {
        store.onAppend(events -> {
            if (counting) {
                appends.incrementAndGet();
            }
        });
    }

    @Override
    public String describe() {
        return "embedded runtime (in-memory store, fan-out and queue in this JVM)";
    }

    @Override
    public EventStore store() {
        return store;
    }

    @Override
    public void start(EventListener listener) {
        // Built now, so the runtime's stream holds only what is appended from here on.
        runtime = EmbeddedRuntime.builder(store).queue(QUEUE, listener).build();
        counting = true;
        runtime.start();
    }

    @Override
    public long appends() {
        return appends.get();
    }

    @Override
    public Map<String, Map<String, Long>> requests() {
        return Map.of();
    }

    @Override
    public QueueTraffic.Counts messages() {
        return new QueueTraffic.Counts(0, 0, 0);
    }

    @Override
    public String progress() {
        return appends.get() + " appends, " + (runtime == null ? 0 : runtime.queue(QUEUE).depth()) + " messages queued";
    }

    @Override
    public void stop() {
        if (runtime != null) {
            runtime.close(); // the store keeps its events; appends after this are not streamed
        }
    }

    @Override
    public void close() {
        stop(); // EmbeddedRuntime.close is idempotent
    }
}
