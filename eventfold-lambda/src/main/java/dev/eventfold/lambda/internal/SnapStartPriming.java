package dev.eventfold.lambda.internal;

import java.util.Objects;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SnapStart priming hook: runs a primer in {@code beforeCheckpoint}, so that the classes and
 * JIT work of a first invocation are in the snapshot. Primers must not capture randomness or
 * time (no ids generated, no clocks read into fields): the snapshot is restored many times.
 * Outside SnapStart (no CRaC runtime) registering does nothing.
 *
 * <pre>{@code
 * SnapStartPriming.register(() -> listener.handle(List.of(primingMessage)));
 * }</pre>
 */
public final class SnapStartPriming implements Resource {
    private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);

    /** An event of a type no handler takes: walks parse, routing and context without user code. */
    public static final String PRIMING_EVENT_BODY = "{\"pk\":\"AGG#eventfold#priming\",\"sk\":\"EVT#000000001\","
            + "\"itemType\":\"event\",\"aggregateType\":\"eventfold\",\"aggregateId\":\"priming\",\"version\":1,"
            + "\"eventId\":\"evt-priming\",\"eventType\":\"eventfold.Priming\",\"schemaVersion\":1,"
            + "\"occurredAt\":\"2026-01-01T00:00:00.000Z\",\"payload\":{\"n\":1.5,\"s\":\"x\",\"l\":[true,null]}}";

    private final Runnable primer;

    private SnapStartPriming(Runnable primer) {
        this.primer = primer;
    }

    /**
     * Registers {@code primer} with the global CRaC context. The context holds resources weakly:
     * the returned resource must stay referenced (handlers keep it in a field).
     */
    public static SnapStartPriming register(Runnable primer) {
        SnapStartPriming resource = new SnapStartPriming(Objects.requireNonNull(primer, "primer"));
        Core.getGlobalContext().register(resource);
        return resource;
    }

    /** Runs the primer now: what beforeCheckpoint does, for tests and for warming without SnapStart. */
    public void prime() {
        try {
            primer.run();
        } catch (RuntimeException | LinkageError e) {
            // Priming is an optimisation: a failure (a missing bus, an unreachable endpoint, a class
            // that does not load) must not stop the snapshot.
            log.warn("SnapStart priming failed: {}", e.toString());
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Priming captures no time or randomness, but the process-wide ULID generator may have drawn
        // its random state before the checkpoint (a handler constructed during init): every restored
        // copy would then continue the same sequence. Draw fresh randomness per restored instance.
        dev.eventfold.id.UlidGenerator.shared().reseed();
    }
}
