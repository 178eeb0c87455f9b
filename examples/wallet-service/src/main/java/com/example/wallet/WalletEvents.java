package com.example.wallet;

import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.domain.AggregateId;
import dev.eventfold.domain.DomainEvents;
import dev.eventfold.domain.Event;
import dev.eventfold.domain.Field;
import dev.eventfold.domain.Option;

/**
 * The wallet's events, as a typed dispatcher: {@code DomainDispatchers.create(WalletEvents.class, dispatcher)}
 * gives an implementation that appends them to {@code wallet/<walletId>}. Amounts are in cents.
 *
 * <p>The request id is the append's idempotency key, and the event id is derived from it: the same
 * request sent again (a client's retry after a timeout) is recognised by the store and answered
 * with {@code alreadyAppended = true}; nothing is written twice.
 */
@DomainEvents(aggregateType = "wallet", source = "wallet-service")
public interface WalletEvents {
    String FUNDED = "Wallet.Funded";
    String WITHDRAWN = "Wallet.Withdrawn";

    @Event(FUNDED)
    DispatchResult funded(@AggregateId String walletId, @Field("amount") long amount,
                          @Option("idempotencyKey") String requestId);

    @Event(WITHDRAWN)
    DispatchResult withdrawn(@AggregateId String walletId, @Field("amount") long amount,
                             @Option("idempotencyKey") String requestId);
}
