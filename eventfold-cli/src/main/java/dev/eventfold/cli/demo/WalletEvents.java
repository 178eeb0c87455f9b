package dev.eventfold.cli.demo;

import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.domain.AggregateId;
import dev.eventfold.domain.DomainEvents;
import dev.eventfold.domain.Event;
import dev.eventfold.domain.Field;

/** The demo's typed dispatchers: a wallet's events, amounts in cents. */
@DomainEvents(aggregateType = "wallet", source = "billing")
public interface WalletEvents {
    @Event(Wallet.FUNDED)
    DispatchResult funded(@AggregateId String walletId, @Field("amount") long cents);

    @Event(Wallet.WITHDRAWN)
    DispatchResult withdrawn(@AggregateId String walletId, @Field("amount") long cents);

    @Event(Wallet.FROZEN)
    DispatchResult frozen(@AggregateId String walletId);
}
