package dev.eventfold.cli.demo;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.integrity.IntegrityReport;
import dev.eventfold.listener.EventListener;
import dev.eventfold.replay.ReplaySink;
import dev.eventfold.store.EventStore;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Where the wallet story runs: the embedded in-memory runtime, or DynamoDB, SQS and EventBridge.
 * The story is written once against this; each runtime wires the same pieces (store, stream
 * fan-out, FIFO projection queue, bus with a rule to an audit queue) its own way.
 */
interface DemoRuntime extends AutoCloseable {

    /** One line: what the story runs on. */
    String describe();

    /** Lines saying what was set up (tables, queues), printed before the story; may be empty. */
    List<String> setUp();

    EventStore store();

    /** Name of the FIFO queue the fan-out feeds the projection through. */
    String projectionQueue();

    /** Name of the queue the bus rule copies events to. */
    String auditQueue();

    /** Name of the standard queue the fan-out feeds the transfer process through. */
    String processQueue();

    /**
     * Wires the listeners: the projection's to the FIFO queue, the audit's to the bus rule's queue,
     * the transfer process's to a standard queue (at least once: duplicates are the process's to absorb).
     */
    void start(EventListener projection, EventListener audit, EventListener processes);

    /** Runs the fan-out and the listeners until {@code done}; fails when it takes too long. */
    void settle(String what, BooleanSupplier done);

    /** A replay sink into the projection queue. */
    ReplaySink replaySink(String replayId);

    /** The integrity check of the story's data. */
    IntegrityReport verify(AggregateRef aggregate);

    /** Append transactions written so far (the in-memory store's appends, or TransactWriteItems). */
    long appendsWritten();

    /** A line about the requests sent, where there were any. */
    List<String> requestSummary();

    @Override
    void close();
}
