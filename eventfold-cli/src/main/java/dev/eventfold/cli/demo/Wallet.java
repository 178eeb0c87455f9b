package dev.eventfold.cli.demo;

import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.aggregate.Decision;
import dev.eventfold.core.EventRecord;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's aggregate: a wallet's balance in cents, folded from its events, and the decision
 * on a withdrawal (no overdraft).
 */
record Wallet(long balance) {
    static final String FUNDED = "Wallet.Funded";
    static final String WITHDRAWN = "Wallet.Withdrawn";

    static final AggregateType<Wallet> TYPE = AggregateType.<Wallet>builder("wallet")
            .initialState(new Wallet(0))
            .evolve(Wallet::apply)
            .build();

    /** The withdrawal command. */
    record Withdraw(long cents) {
    }

    Wallet apply(EventRecord e) {
        return new Wallet(balance + signedAmount(e));
    }

    /** What an event does to a balance: + for funding, - for a withdrawal, 0 for anything else. */
    static long signedAmount(EventRecord e) {
        long amount = e.payload().path("amount").asLong();
        return switch (e.eventType()) {
            case FUNDED -> amount;
            case WITHDRAWN -> -amount;
            default -> 0;
        };
    }

    static Decision decide(Withdraw command, Wallet wallet) {
        if (command.cents() <= 0) {
            return Decision.reject("invalid_amount", "a withdrawal must be positive");
        }
        if (command.cents() > wallet.balance()) {
            return Decision.reject("insufficient_funds", "balance " + money(wallet.balance()) + " < " + money(command.cents()));
        }
        return Decision.accept(DecidedEvent.of(WITHDRAWN, Map.of("amount", command.cents())));
    }

    static String money(long cents) {
        return String.format(Locale.ROOT, "%s%d.%02d", cents < 0 ? "-" : "", Math.abs(cents) / 100, Math.abs(cents) % 100);
    }
}
