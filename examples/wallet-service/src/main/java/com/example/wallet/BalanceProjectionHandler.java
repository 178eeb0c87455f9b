package com.example.wallet;

import dev.eventfold.lambda.SqsListenerHandler;
import dev.eventfold.listener.EventListener;
import dev.eventfold.projection.Projector;

/**
 * The listener: reads the wallet events the stream fan-out sent to the FIFO queue and projects
 * them into the read model ({@link BalanceProjection}). Records that fail are reported in
 * {@code batchItemFailures} (enable {@code ReportBatchItemFailures}) and come back; other
 * wallets' records go on.
 */
public final class BalanceProjectionHandler extends SqsListenerHandler {

    /** The function's constructor: wired from its environment ({@link Wiring}); no client is built before the first message. */
    public BalanceProjectionHandler() {
        this(Wiring.fromEnvironment().balanceProjector());
    }

    /** Any projector: on in-memory stores in tests, on DynamoDB in the function. */
    public BalanceProjectionHandler(Projector balances) {
        super(EventListener.builder()
                .on(WalletEvents.FUNDED, balances::handle)
                .on(WalletEvents.WITHDRAWN, balances::handle)
                .build());
    }
}
