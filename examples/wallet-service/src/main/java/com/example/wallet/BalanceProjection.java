package com.example.wallet;

import dev.eventfold.core.EventRecord;
import dev.eventfold.projection.Projector;
import dev.eventfold.projection.TransactionalCheckpointStore;
import dev.eventfold.store.EventStore;
import java.util.List;
import java.util.function.Function;

/**
 * Each wallet's balance, moved exactly once per event: the projector commits the balance's write
 * and its checkpoint in one transaction, skips what it applied already (a redelivered message) and
 * reads what it missed from the event store first (a message not delivered yet).
 *
 * <p>The rule ({@link BalanceChange#of}) is written once; where the balance lives is the caller's:
 * {@link BalanceTable#update} on DynamoDB with a {@code DynamoDbCheckpointStore}, a map with an
 * {@code InMemoryCheckpointStore} in tests.
 */
public final class BalanceProjection {
    /** The projection's name in its checkpoints: {@code PROJ#balances#AGG#wallet#<walletId>}. */
    public static final String NAME = "balances";

    private BalanceProjection() {
    }

    /** What one event does to its wallet's balance: + for a deposit, - for a withdrawal, 0 for any other event. */
    public record BalanceChange(String walletId, long delta, long version) {
        public static BalanceChange of(EventRecord event) {
            long amount = switch (event.eventType()) {
                case WalletEvents.FUNDED -> event.payloadAs(Amount.class).amount();
                case WalletEvents.WITHDRAWN -> -event.payloadAs(Amount.class).amount();
                default -> 0; // the checkpoint still moves past it
            };
            return new BalanceChange(event.aggregateId(), amount, event.version());
        }
    }

    /** The payload of both events. */
    record Amount(long amount) {
    }

    /**
     * @param write the read model's write for a change, committed with the checkpoint
     * @param <W>   what a transaction of {@code checkpoints} holds ({@code TransactWriteItem} on DynamoDB)
     */
    public static <W> Projector projector(EventStore store, TransactionalCheckpointStore<W> checkpoints,
                                          Function<BalanceChange, W> write) {
        return Projector.builder(NAME, store)
                .transactional(checkpoints, event -> List.of(write.apply(BalanceChange.of(event))))
                .build();
    }
}
