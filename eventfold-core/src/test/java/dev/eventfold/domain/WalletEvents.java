package dev.eventfold.domain;

import dev.eventfold.dispatch.DispatchResult;
import java.math.BigDecimal;

/** The reference README's wallet, declared once as typed events (docs/dispatch.md shows it). */
@DomainEvents(aggregateType = "wallet", source = "billing")
public interface WalletEvents {

    @Event("Wallet.Created")
    DispatchResult created(@AggregateId String walletId, @Field("ownerId") String ownerId,
                           @Field("currency") String currency);

    @Event("Wallet.Funded")
    DispatchResult funded(@AggregateId String walletId, @Field("amount") long amount);

    @Event("Wallet.Withdrawn")
    DispatchResult withdrawn(@AggregateId String walletId, @Field("amount") long amount, @Field("fee") BigDecimal fee,
                             @Option("idempotencyKey") String requestId);

    @Event(value = "Wallet.Frozen", schemaVersion = 2)
    void frozen(@AggregateId String walletId, @Payload Freeze reason);

    /** A richer command built from the events: default methods run as written. */
    default DispatchResult open(String walletId, String ownerId, long initialDeposit) {
        created(walletId, ownerId, "USD");
        return funded(walletId, initialDeposit);
    }

    record Freeze(String reason, String by) {
    }
}
