package dev.eventfold.projection;

import dev.eventfold.internal.Checks;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.upcast.Upcasters;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each aggregate's events to a read model in version order, exactly once, whatever
 * order and how many times a queue delivers them (WIRE.md section 6: streams order changes per
 * item, queues redeliver). Call {@link #handle(EventRecord)} from a listener's handler.
 *
 * <pre>{@code
 * Projector balances = Projector.builder("balances", store)
 *     .transactional(dynamoCheckpoints, event -> List.of(balanceUpdate(event)))
 *     .upcasters(upcasters)
 *     .build();
 * listener.on("Wallet.Funded", balances::handle);
 * }</pre>
 *
 * <p>For each delivered event: find the projection's checkpoint for its aggregate (the last
 * applied version: read first with {@link Builder#handler}; with {@link Builder#transactional}
 * the event is committed at the version before its own and the checkpoint's failed condition,
 * returned by the store, says where it was, so an in-order delivery costs one request); an
 * event at or below it is a duplicate and is skipped; an event past the
 * next version means some were not delivered yet: they are read from the event store and
 * applied first; then the event is applied and the checkpoint moved, conditionally on its
 * previous value. A {@link CheckpointConflictException} (another worker moved it) makes the
 * projector read the checkpoint again and carry on from there.
 *
 * <h2>Exactly once</h2>
 * With {@link Builder#transactional} the read-model writes and the checkpoint commit in one
 * transaction: each event's effect lands exactly once. With {@link Builder#handler} the handler
 * runs first and the checkpoint moves after it: a crash between the two, or two workers racing
 * on one aggregate, applies an event twice. Use it for idempotent handlers or with one consumer
 * per aggregate at a time (a FIFO queue grouped by aggregate id).
 */
public final class Projector {
    private static final Logger LOG = LoggerFactory.getLogger(Projector.class);
    private static final int MAX_CONFLICTS = 5;
    private static final RetryLoop CONFLICT_RETRIES = RetryLoop.withoutPause(MAX_CONFLICTS);
    /** One more try when the first is made at a guessed checkpoint. */
    private static final RetryLoop SPECULATIVE_RETRIES = RetryLoop.withoutPause(MAX_CONFLICTS + 1);

    private final String name;
    private final EventStore store;
    private final CheckpointStore checkpoints;
    private final Step step;
    private final Upcasters upcasters;
    private final boolean speculative;

    private Projector(Builder b) {
        this.name = b.name;
        this.store = b.store;
        this.checkpoints = b.checkpoints;
        this.step = b.step;
        this.upcasters = b.upcasters;
        this.speculative = b.speculative;
    }

    public static Builder builder(String name, EventStore store) {
        return new Builder(name, store);
    }

    public String name() {
        return name;
    }

    /**
     * Applies a delivered event, and any missing events before it, unless already applied.
     *
     * @throws ProjectionGapException      a missing version is not in the event store either
     * @throws CheckpointConflictException other workers kept moving the checkpoint
     */
    public ProjectionResult handle(EventRecord delivered) {
        Objects.requireNonNull(delivered, "delivered");
        AggregateRef aggregate = delivered.aggregate();
        // Transactional: the checkpoint's condition is inside the transaction, so an in-order delivery
        // needs no read: apply it as if the checkpoint were at the version before, and a conflict
        // returns where the checkpoint really is (a duplicate, a gap, another worker). Otherwise, and
        // when the store could not tell, read the checkpoint and carry on from there.
        return (speculative ? SPECULATIVE_RETRIES : CONFLICT_RETRIES).run(new RetryLoop.Attempt<ProjectionResult>() {
            int applied = 0;
            int fromStore = 0;
            OptionalLong known = speculative ? OptionalLong.of(delivered.version() - 1) : OptionalLong.empty();

            @Override
            public RetryLoop.Step<ProjectionResult> run(int attempt, boolean last) {
                long checkpoint = known.isPresent() ? known.getAsLong() : checkpoints.lastApplied(name, aggregate);
                known = OptionalLong.empty();
                if (delivered.version() <= checkpoint) {
                    return RetryLoop.Step.done(new ProjectionResult(aggregate, applied > 0
                            ? ProjectionResult.Outcome.APPLIED : ProjectionResult.Outcome.ALREADY_APPLIED,
                            applied, fromStore, checkpoint));
                }
                try {
                    long current = checkpoint;
                    if (delivered.version() > checkpoint + 1) {
                        LOG.debug("projection {}: {} v{} arrived at checkpoint {}, reading the missing events",
                                name, aggregate, delivered.version(), checkpoint);
                        // No limit: the store reads its largest pages (1 MB on DynamoDB).
                        try (Stream<EventRecord> missing = store.readEvents(EventQuery.of(aggregate).after(checkpoint)
                                .through(delivered.version() - 1))) {
                            for (Iterator<EventRecord> it = missing.iterator(); it.hasNext(); ) {
                                EventRecord e = it.next();
                                if (e.version() != current + 1) {
                                    throw new ProjectionGapException(name, aggregate, current + 1);
                                }
                                apply(e, current);
                                current = e.version();
                                applied++;
                                fromStore++;
                            }
                        }
                        if (current != delivered.version() - 1) {
                            throw new ProjectionGapException(name, aggregate, current + 1);
                        }
                    }
                    apply(delivered, current);
                    applied++;
                    return RetryLoop.Step.done(new ProjectionResult(aggregate, ProjectionResult.Outcome.APPLIED,
                            applied, fromStore, delivered.version()));
                } catch (CheckpointConflictException e) {
                    if (last) {
                        throw e;
                    }
                    known = e.actualVersion();
                    return RetryLoop.Step.again(e);
                }
            }
        });
    }

    /**
     * Applies every event of the aggregate after the checkpoint, from the store: a rebuild after
     * a checkpoint reset, or a catch-up without a delivery.
     *
     * @return how many events were applied
     */
    public int catchUp(AggregateRef aggregate) {
        long last = checkpoints.lastApplied(name, aggregate);
        int applied = 0;
        try (Stream<EventRecord> events = store.readEvents(EventQuery.of(aggregate).after(last))) {
            for (Iterator<EventRecord> it = events.iterator(); it.hasNext(); ) {
                EventRecord e = it.next();
                if (e.version() != last + 1) {
                    throw new ProjectionGapException(name, aggregate, last + 1);
                }
                apply(e, last);
                last = e.version();
                applied++;
            }
        }
        return applied;
    }

    /** The projection's checkpoint for an aggregate. */
    public long checkpoint(AggregateRef aggregate) {
        return checkpoints.lastApplied(name, aggregate);
    }

    private void apply(EventRecord event, long previous) {
        step.apply(name, upcasters.upcast(event), previous);
    }

    /** Applies one event and moves the checkpoint from {@code previous} to its version. */
    private interface Step {
        void apply(String projection, EventRecord event, long previous);
    }

    /** Builds a {@link Projector}; exactly one of {@code handler} or {@code transactional} is required. */
    public static final class Builder {
        private final String name;
        private final EventStore store;
        private CheckpointStore checkpoints;
        private Step step;
        private Upcasters upcasters = Upcasters.none();
        private boolean speculative;

        private Builder(String name, EventStore store) {
            this.name = Keys.requireNonBlank("name", name);
            this.store = Checks.notNull(store, "store");
        }

        /** Handler first, checkpoint after: exactly once only for idempotent handlers (see class doc). */
        public Builder handler(CheckpointStore checkpointStore, ProjectionHandler handler) {
            Checks.notNull(handler, "handler");
            requireNoStep();
            this.checkpoints = Checks.notNull(checkpointStore, "checkpointStore");
            this.step = (projection, event, previous) -> {
                handler.apply(event);
                checkpointStore.advance(projection, event.aggregate(), previous, event.version());
            };
            return this;
        }

        /** The read model's writes and the checkpoint in one transaction: exactly once. */
        public <W> Builder transactional(TransactionalCheckpointStore<W> checkpointStore,
                                         TransactionalProjectionHandler<W> handler) {
            Checks.notNull(handler, "handler");
            requireNoStep();
            this.checkpoints = Checks.notNull(checkpointStore, "checkpointStore");
            this.step = (projection, event, previous) -> {
                List<W> writes = Objects.requireNonNull(handler.writesFor(event), "writesFor returned null");
                checkpointStore.advanceWith(projection, event.aggregate(), previous, event.version(), writes);
            };
            // The writes are computed, not performed, before the checkpoint's condition is checked:
            // a delivery can be tried at a guessed checkpoint without a read.
            this.speculative = true;
            return this;
        }

        /** Brings delivered and gap-filling events to their latest shape before they are applied. */
        public Builder upcasters(Upcasters v) {
            this.upcasters = Checks.notNull(v, "upcasters");
            return this;
        }

        public Projector build() {
            if (step == null) {
                throw new InvalidInputException("handler", "set a handler or a transactional handler");
            }
            return new Projector(this);
        }

        private void requireNoStep() {
            if (step != null) {
                throw new InvalidInputException("handler", "a projector has one handler");
            }
        }
    }
}
