package dev.eventfold.cli.demo;

import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.aggregate.Decision;
import dev.eventfold.core.EventRecord;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's aggregate: a wallet's balance in cents, folded from its events, whether it is frozen,
 * and the decision on a withdrawal (no overdraft, not from a frozen wallet).
 */
public record Wallet(long balance, boolean frozen) {
    public static final String FUNDED = "Wallet.Funded";
    public static final String WITHDRAWN = "Wallet.Withdrawn";
    public static final String DEPOSITED = "Wallet.Deposited";
    public static final String REFUNDED = "Wallet.Refunded";
    public static final String FROZEN = "Wallet.Frozen";

    public static final AggregateType<Wallet> TYPE = AggregateType.<Wallet>builder("wallet")
            .initialState(new Wallet(0, false))
            .evolve(Wallet::apply)
            .build();

    /** The withdrawal command. */
    public record Withdraw(long cents) {
    }

    Wallet apply(EventRecord e) {
        return new Wallet(balance + signedAmount(e), frozen || FROZEN.equals(e.eventType()));
    }

    /** What an event does to a balance: + for money in, - for a withdrawal, 0 for anything else. */
    public static long signedAmount(EventRecord e) {
        long amount = e.payload().path("amount").asLong();
        return switch (e.eventType()) {
            case FUNDED, DEPOSITED, REFUNDED -> amount;
            case WITHDRAWN -> -amount;
            default -> 0;
        };
    }

    static Decision decide(Withdraw command, Wallet wallet) {
        return withdrawal(command.cents(), wallet, Map.of("amount", command.cents()));
    }

    /** A withdrawal of {@code cents} with {@code payload}, if the wallet allows it. */
    static Decision withdrawal(long cents, Wallet wallet, Map<String, Object> payload) {
        if (cents <= 0) {
            return Decision.reject("invalid_amount", "a withdrawal must be positive");
        }
        if (wallet.frozen()) {
            return Decision.reject("frozen", "the wallet is frozen");
        }
        if (cents > wallet.balance()) {
            return Decision.reject("insufficient_funds", "balance " + money(wallet.balance()) + " < " + money(cents));
        }
        return Decision.accept(DecidedEvent.of(WITHDRAWN, payload));
    }

    public static String money(long cents) {
        return String.format(Locale.ROOT, "%s%d.%02d", cents < 0 ? "-" : "", Math.abs(cents) / 100, Math.abs(cents) % 100);
    }
}
