package dev.eventfold.aggregate;

import dev.eventfold.internal.Checks;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.upcast.Upcasters;
import dev.eventfold.upcast.UpcastingEventStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads aggregates of one type by folding their events, starting from the latest snapshot when
 * the type has snapshots, and writes snapshots after appends as the type's policy says.
 *
 * <pre>{@code
 * AggregateRepository<Wallet> wallets = AggregateRepository.builder(store, walletType)
 *     .snapshotStore(snapshots)     // needed only if the type has snapshots
 *     .build();
 * AggregateState<Wallet> w = wallets.load("wal_1");
 * }</pre>
 *
 * <p>Reads go through the {@link EventStore} given: wrap it in an
 * {@link UpcastingEventStore} so the evolve function only sees the latest event shapes. The
 * events an append just wrote are folded by {@link #applied} through the same upcasters, so a
 * state (and the snapshot written from it) never depends on whether an event was read back or
 * just written in an older schema.
 * Snapshot failures (a store error, an undecodable or outdated snapshot) are logged and never
 * fail a load or an append: the state is then folded from the events.
 */
public final class AggregateRepository<S> {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateRepository.class);
    /** Page size of event reads: large pages, few requests (DynamoDB also stops at 1 MB). */
    static final int READ_PAGE = 1000;

    private final EventStore store;
    private final AggregateType<S> type;
    private final SnapshotStore snapshots;
    private final Clock clock;
    private final Upcasters upcasters;

    private AggregateRepository(Builder<S> b) {
        this.store = b.store;
        this.upcasters = b.store instanceof UpcastingEventStore u ? u.upcasters() : Upcasters.none();
        this.type = b.type;
        this.snapshots = b.snapshots;
        this.clock = b.clock;
    }

    public static <S> Builder<S> builder(EventStore store, AggregateType<S> type) {
        return new Builder<>(store, type);
    }

    public AggregateType<S> type() {
        return type;
    }

    public EventStore store() {
        return store;
    }

    public AggregateState<S> load(String aggregateId) {
        return load(type.ref(aggregateId));
    }

    /** The aggregate's current state: latest usable snapshot plus the events after it. */
    public AggregateState<S> load(AggregateRef aggregate) {
        return load(aggregate, 0, e -> { });
    }

    /**
     * Loads as {@link #load(AggregateRef)}, and also shows {@code observer} the {@code lookBehind}
     * events before the snapshot (without folding them): the command handler looks there for the
     * events of a command it is asked to handle again.
     */
    AggregateState<S> load(AggregateRef aggregate, int lookBehind, Consumer<EventRecord> observer) {
        requireOwnType(aggregate);
        S state = type.initialState();
        long from = 0;
        Optional<Snapshot> snapshot = latestUsableSnapshot(aggregate);
        if (snapshot.isPresent()) {
            Optional<S> decoded = decode(snapshot.get());
            if (decoded.isPresent()) {
                state = decoded.get();
                from = snapshot.get().version();
            }
        }
        long readFrom = Math.max(0, from - lookBehind);
        long version = from;
        long folded = 0;
        try (Stream<EventRecord> events = store.readEvents(EventQuery.of(aggregate).after(readFrom).limit(READ_PAGE))) {
            for (EventRecord e : (Iterable<EventRecord>) events::iterator) {
                observer.accept(e);
                if (e.version() <= from) {
                    continue;
                }
                if (e.version() != version + 1) {
                    // The store guarantees contiguous versions; a hole means a damaged table.
                    throw new InvalidInputException("version", "aggregate " + aggregate + " jumps from version "
                            + version + " to " + e.version() + " (run the integrity check)");
                }
                state = type.evolver().evolve(state, e);
                version = e.version();
                folded++;
            }
        }
        return new AggregateState<>(aggregate, state, version, from, folded);
    }

    /**
     * The state after {@code appended} (the events an append just wrote, in order, right after
     * {@code before}), and a snapshot written if the policy asks for one. Use it after appending
     * outside a {@link CommandHandler} to keep snapshots coming. {@code appended} may be the
     * records as stored: they are brought to their latest shape by the store's upcasters (when it
     * is an {@link UpcastingEventStore}), as a load would read them.
     */
    public AggregateState<S> applied(AggregateState<S> before, List<EventRecord> appended) {
        Objects.requireNonNull(before, "before");
        S state = before.state();
        long version = before.version();
        for (EventRecord e : appended) {
            if (!e.aggregate().equals(before.aggregate()) || e.version() != version + 1) {
                throw new InvalidInputException("appended", "event " + e.eventId() + " at version " + e.version()
                        + " does not follow " + before.aggregate() + " v" + version);
            }
            state = type.evolver().evolve(state, upcasters.upcast(e));
            version = e.version();
        }
        AggregateState<S> after = new AggregateState<>(before.aggregate(), state, version, before.snapshotVersion(),
                before.eventsFolded() + appended.size());
        if (type.snapshotsEnabled() && version > before.snapshotVersion()
                && type.snapshotPolicy().shouldSnapshot(before.snapshotVersion(), version)) {
            return writeSnapshot(after);
        }
        return after;
    }

    /**
     * Writes a snapshot of {@code state} now, whatever the policy says. Returns the state with its
     * snapshot version updated, or unchanged when the snapshot could not be written (logged).
     */
    public AggregateState<S> writeSnapshot(AggregateState<S> state) {
        if (!type.snapshotsEnabled() || state.version() == 0) {
            return state;
        }
        SnapshotCodec<S> codec = type.snapshotCodec().orElseThrow();
        try {
            snapshots.save(new Snapshot(state.aggregate(), state.version(), codec.schemaVersion(),
                    codec.encode(state.state()), Timestamps.format(clock.instant())));
            return new AggregateState<>(state.aggregate(), state.state(), state.version(), state.version(),
                    state.eventsFolded());
        } catch (RuntimeException e) {
            // The events are safe; a missing snapshot only makes the next load longer.
            LOG.warn("snapshot of {} at version {} not written: {}", state.aggregate(), state.version(), e.toString());
            return state;
        }
    }

    private Optional<Snapshot> latestUsableSnapshot(AggregateRef aggregate) {
        if (!type.snapshotsEnabled()) {
            return Optional.empty();
        }
        try {
            Optional<Snapshot> s = snapshots.latest(aggregate);
            int wanted = type.snapshotCodec().orElseThrow().schemaVersion();
            if (s.isPresent() && s.get().stateSchemaVersion() != wanted) {
                LOG.debug("snapshot of {} v{} has state schema {} (want {}): folding from the events",
                        aggregate, s.get().version(), s.get().stateSchemaVersion(), wanted);
                return Optional.empty();
            }
            return s;
        } catch (RuntimeException e) {
            LOG.warn("snapshot of {} not read, folding from the events: {}", aggregate, e.toString());
            return Optional.empty();
        }
    }

    private Optional<S> decode(Snapshot s) {
        try {
            return Optional.ofNullable(type.snapshotCodec().orElseThrow().decode(s.state()));
        } catch (RuntimeException e) {
            LOG.warn("snapshot of {} v{} not decodable, folding from the events: {}", s.aggregate(), s.version(),
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private void requireOwnType(AggregateRef aggregate) {
        if (!aggregate.aggregateType().equals(type.name())) {
            throw new InvalidInputException("aggregate", aggregate + " is not of type " + type.name());
        }
    }

    /** Builds an {@link AggregateRepository}. Defaults: system UTC clock; no snapshot store. */
    public static final class Builder<S> {
        private final EventStore store;
        private final AggregateType<S> type;
        private SnapshotStore snapshots;
        private Clock clock = Clock.systemUTC();

        private Builder(EventStore store, AggregateType<S> type) {
            this.store = Checks.notNull(store, "store");
            this.type = Checks.notNull(type, "type");
        }

        public Builder<S> snapshotStore(SnapshotStore v) {
            this.snapshots = Checks.notNull(v, "snapshotStore");
            return this;
        }

        /** Stamps {@code takenAt} of snapshots. */
        public Builder<S> clock(Clock v) {
            this.clock = Checks.notNull(v, "clock");
            return this;
        }

        public AggregateRepository<S> build() {
            if (type.snapshotsEnabled() && snapshots == null) {
                throw new InvalidInputException("snapshotStore", "aggregate type " + type.name()
                        + " has snapshots: a snapshot store must be set");
            }
            return new AggregateRepository<>(this);
        }
    }
}
