package dev.eventfold.bench.process;

import dev.eventfold.listener.EventListener;
import dev.eventfold.store.EventStore;
import java.util.Map;

/**
 * Where a transfer run happens: a store, and the event path from it to one standard queue whose
 * listener runs the process manager (stream, fan-out, queue, listener). Written once for the run
 * ({@link TransferRun}), wired by each runtime its own way.
 */
interface TransferRuntime extends AutoCloseable {
    /** One line for the report: what ran. */
    String describe();

    EventStore store();

    /**
     * Starts the event path with {@code listener} on the queue, on threads of its own; events
     * appended from now on go through it, events appended before do not. The runtime owns the
     * listener from now on.
     */
    void start(EventListener listener);

    /** Appends that landed since {@link #start}. */
    long appends();

    /** Requests sent since {@link #start}, by service and operation; empty when nothing is remote. */
    Map<String, Map<String, Long>> requests();

    /** Queue messages since {@link #start}; zeros when the queue is in process. */
    QueueTraffic.Counts messages();

    /** One line on how far the path got (appends, messages, cancelled transactions), for progress and failures. */
    String progress();

    /** Stops the event path's threads, each after the batch in hand; the store stays readable. */
    void stop();

    /** Stops the event path if running, and removes what the runtime created. */
    @Override
    void close();
}
