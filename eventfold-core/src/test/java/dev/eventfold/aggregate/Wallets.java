package dev.eventfold.aggregate;

import dev.eventfold.core.EventRecord;
import java.util.Map;

/** The test domain: a wallet with a balance, funded and withdrawn by commands. */
final class Wallets {
    static final String TYPE = "wallet";

    record Wallet(long balance, int transactions) {
        static final Wallet EMPTY = new Wallet(0, 0);
    }

    sealed interface Command permits Fund, Withdraw, Noop {
    }

    record Fund(long amount) implements Command {
    }

    record Withdraw(long amount) implements Command {
    }

    record Noop() implements Command {
    }

    private Wallets() {
    }

    static Wallet evolve(Wallet w, EventRecord e) {
        return switch (e.eventType()) {
            case "Wallet.Funded" -> new Wallet(w.balance() + e.payload().get("amount").longValue(), w.transactions() + 1);
            case "Wallet.Withdrawn" -> new Wallet(w.balance() - e.payload().get("amount").longValue(), w.transactions() + 1);
            default -> w;
        };
    }

    static Decision decide(Command c, Wallet w) {
        if (c instanceof Fund f) {
            return Decision.accept(DecidedEvent.of("Wallet.Funded", Map.of("amount", f.amount())));
        }
        if (c instanceof Withdraw wd) {
            if (w.balance() < wd.amount()) {
                return Decision.reject("insufficient_funds", "balance below amount");
            }
            return Decision.accept(DecidedEvent.of("Wallet.Withdrawn", Map.of("amount", wd.amount())));
        }
        return Decision.none();
    }

    static AggregateType<Wallet> type() {
        return AggregateType.<Wallet>builder(TYPE).initialState(Wallet.EMPTY).evolve(Wallets::evolve).build();
    }

    static AggregateType<Wallet> snapshotted(int every) {
        return AggregateType.<Wallet>builder(TYPE).initialState(Wallet.EMPTY).evolve(Wallets::evolve)
                .snapshots(SnapshotPolicy.everyEvents(every), SnapshotCodec.jackson(Wallet.class, 1)).build();
    }
}
