package dev.eventfold.aggregate;

import dev.eventfold.internal.Checks;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How to rebuild one type of aggregate: its name in the table, its initial state, the evolve
 * function, and optionally how to snapshot it. Immutable; made by {@link #builder(String)}.
 *
 * <pre>{@code
 * AggregateType<Wallet> wallets = AggregateType.<Wallet>builder("wallet")
 *     .initialState(() -> Wallet.EMPTY)
 *     .evolve(Wallet::apply)
 *     .snapshots(SnapshotPolicy.everyEvents(100), SnapshotCodec.jackson(Wallet.class, 1))
 *     .build();
 * }</pre>
 *
 * <p>Defaults: no snapshots.
 */
public final class AggregateType<S> {
    private final String name;
    private final Supplier<S> initialState;
    private final Evolver<S> evolver;
    private final SnapshotPolicy snapshotPolicy;
    private final SnapshotCodec<S> snapshotCodec;

    private AggregateType(Builder<S> b) {
        this.name = b.name;
        this.initialState = b.initialState;
        this.evolver = b.evolver;
        this.snapshotPolicy = b.snapshotPolicy;
        this.snapshotCodec = b.snapshotCodec;
    }

    public static <S> Builder<S> builder(String name) {
        return new Builder<>(name);
    }

    /** The aggregateType written in keys and items, e.g. {@code wallet}. */
    public String name() {
        return name;
    }

    public AggregateRef ref(String aggregateId) {
        return AggregateRef.of(name, aggregateId);
    }

    public S initialState() {
        return initialState.get();
    }

    public Evolver<S> evolver() {
        return evolver;
    }

    public boolean snapshotsEnabled() {
        return snapshotCodec != null;
    }

    public SnapshotPolicy snapshotPolicy() {
        return snapshotPolicy;
    }

    public Optional<SnapshotCodec<S>> snapshotCodec() {
        return Optional.ofNullable(snapshotCodec);
    }

    @Override
    public String toString() {
        return "AggregateType[" + name + (snapshotsEnabled() ? ", snapshots" : "") + "]";
    }

    /** Builds an {@link AggregateType}; {@link #build()} checks that every required part is set. */
    public static final class Builder<S> {
        private final String name;
        private Supplier<S> initialState;
        private Evolver<S> evolver;
        private SnapshotPolicy snapshotPolicy = SnapshotPolicy.never();
        private SnapshotCodec<S> snapshotCodec;

        private Builder(String name) {
            // AggregateRef validates the name as the table does (non-blank, no '#').
            this.name = AggregateRef.of(name, "x").aggregateType();
        }

        /** The state before the first event. Called once per load, so a mutable state is safe. */
        public Builder<S> initialState(Supplier<S> v) {
            this.initialState = v;
            return this;
        }

        public Builder<S> initialState(S v) {
            Checks.notNull(v, "initialState");
            this.initialState = () -> v;
            return this;
        }

        public Builder<S> evolve(Evolver<S> v) {
            this.evolver = v;
            return this;
        }

        /** Turns snapshots on for this type: {@code policy} says when, {@code codec} how. */
        public Builder<S> snapshots(SnapshotPolicy policy, SnapshotCodec<S> codec) {
            this.snapshotPolicy = Checks.notNull(policy, "policy");
            this.snapshotCodec = Checks.notNull(codec, "codec");
            return this;
        }

        public AggregateType<S> build() {
            if (initialState == null) {
                throw new InvalidInputException("initialState", "must be set");
            }
            if (evolver == null) {
                throw new InvalidInputException("evolve", "must be set");
            }
            return new AggregateType<>(this);
        }
    }
}
