package dev.eventfold.process;

import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.CommandHandler;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.aggregate.Decision;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.store.EventStore;
import java.time.Duration;
import java.util.Map;

/**
 * The test domain: wallets that can be frozen, and a transfer between two of them as a process
 * manager. Withdraw from A, deposit to B, complete; refund A when B rejects the deposit or when
 * the withdrawal lands after the transfer expired.
 */
final class Transfers {
    static final AggregateType<Wallet> WALLET = AggregateType.<Wallet>builder("wallet")
            .initialState(new Wallet(0, false)).evolve(Wallet::apply).build();
    static final AggregateType<Transfer> TRANSFER = AggregateType.<Transfer>builder("transfer")
            .initialState(Transfer.NONE).evolve(Transfer::apply).build();
    static final Duration EXPIRY = Duration.ofMinutes(1);

    record Wallet(long balance, boolean frozen) {
        Wallet apply(EventRecord e) {
            long amount = e.payload().path("amount").asLong();
            return switch (e.eventType()) {
                case "Wallet.Funded", "Wallet.Deposited", "Wallet.Refunded" -> new Wallet(balance + amount, frozen);
                case "Wallet.Withdrawn" -> new Wallet(balance - amount, frozen);
                case "Wallet.Frozen" -> new Wallet(balance, true);
                case "Wallet.Unfrozen" -> new Wallet(balance, false);
                default -> this;
            };
        }
    }

    record Withdraw(long amount, String transferId) {
    }

    record Deposit(long amount, String transferId) {
    }

    record Refund(long amount, String transferId) {
    }

    static Decision withdraw(Withdraw c, Wallet w) {
        if (w.frozen()) {
            return Decision.reject("frozen", "the wallet is frozen");
        }
        if (w.balance() < c.amount()) {
            return Decision.reject("insufficient_funds", "balance " + w.balance() + " < " + c.amount());
        }
        return Decision.accept(DecidedEvent.of("Wallet.Withdrawn", Map.of("amount", c.amount(), "transferId", c.transferId())));
    }

    static Decision deposit(Deposit c, Wallet w) {
        return w.frozen() ? Decision.reject("frozen", "the wallet is frozen")
                : Decision.accept(DecidedEvent.of("Wallet.Deposited", Map.of("amount", c.amount(), "transferId", c.transferId())));
    }

    static Decision refund(Refund c, Wallet w) {
        return Decision.accept(DecidedEvent.of("Wallet.Refunded", Map.of("amount", c.amount(), "transferId", c.transferId())));
    }

    /** The transfer's state, folded from its stream. */
    record Transfer(String status, String from, String to, long amount) {
        static final Transfer NONE = new Transfer("NONE", null, null, 0);

        Transfer apply(EventRecord e) {
            if (e.eventType().equals("Transfer.Requested")) {
                return new Transfer("REQUESTED", e.payload().path("from").asText(), e.payload().path("to").asText(),
                        e.payload().path("amount").asLong());
            }
            String status = switch (e.eventType()) {
                case "Transfer.Debiting" -> "DEBITING";
                case "Transfer.Crediting" -> "CREDITING";
                case "Transfer.Completed" -> "COMPLETED";
                case "Transfer.Refunding" -> "REFUNDING";
                case "Transfer.Compensated" -> "COMPENSATED";
                case "Transfer.Failed" -> "FAILED";
                case "Transfer.Expired" -> "EXPIRED";
                default -> status();
            };
            return new Transfer(status, from, to, amount);
        }

        boolean ended() {
            return status.equals("COMPLETED") || status.equals("COMPENSATED") || status.equals("FAILED");
        }
    }

    static ProcessStep decide(Transfer t, ProcessInput input) {
        if (input instanceof ProcessInput.Incoming in) {
            EventRecord e = in.event();
            String id = e.eventType().equals("Transfer.Requested") ? e.aggregateId() : e.payload().path("transferId").asText();
            return switch (e.eventType() + " " + t.status()) {
                case "Transfer.Requested REQUESTED" -> ProcessStep.record("Transfer.Debiting", Map.of())
                        .andSend(WALLET.ref(t.from()), new Withdraw(t.amount(), id))
                        .andSchedule("expire", e.occurredAtInstant().orElseThrow().plus(EXPIRY));
                case "Wallet.Withdrawn DEBITING" -> ProcessStep.record("Transfer.Crediting", Map.of())
                        .andSend(WALLET.ref(t.to()), new Deposit(t.amount(), id));
                case "Wallet.Withdrawn EXPIRED" -> ProcessStep.record("Transfer.Refunding", Map.of("why", "expired"))
                        .andSend(WALLET.ref(t.from()), new Refund(t.amount(), id));
                case "Wallet.Deposited CREDITING" -> ProcessStep.record("Transfer.Completed", Map.of());
                case "Wallet.Refunded REFUNDING" -> ProcessStep.record("Transfer.Compensated", Map.of());
                default -> ProcessStep.none();
            };
        }
        if (input instanceof ProcessInput.Rejected r) {
            if (r.command() instanceof Withdraw && t.status().equals("DEBITING")) {
                return ProcessStep.record("Transfer.Failed", Map.of("reason", r.reasonCode()));
            }
            if (r.command() instanceof Deposit && t.status().equals("CREDITING")) {
                return ProcessStep.record("Transfer.Refunding", Map.of("why", r.reasonCode()))
                        .andSend(WALLET.ref(t.from()), new Refund(t.amount(), ((Deposit) r.command()).transferId()));
            }
            return ProcessStep.none();
        }
        ProcessInput.DeadlineReached d = (ProcessInput.DeadlineReached) input;
        return d.name().equals("expire") && t.status().equals("DEBITING")
                ? ProcessStep.record("Transfer.Expired", Map.of()) : ProcessStep.none();
    }

    /** The process manager over {@code store}, with its command handlers. */
    static ProcessManager<Transfer> manager(EventStore store, DeadlineScheduler deadlines) {
        return builder(store, deadlines).build();
    }

    static ProcessManager.Builder<Transfer> builder(EventStore store, DeadlineScheduler deadlines) {
        AggregateRepository<Wallet> wallets = AggregateRepository.builder(store, WALLET).build();
        return ProcessManager.builder("transfers", TRANSFER, store)
                .on("Transfer.Requested", EventRecord::aggregateId)
                .on("Wallet.Withdrawn", Transfers::transferId)
                .on("Wallet.Deposited", Transfers::transferId)
                .on("Wallet.Refunded", Transfers::transferId)
                .decide(Transfers::decide)
                .command(Withdraw.class, CommandHandler.builder(wallets, Transfers::withdraw).source("wallets").build())
                .command(Deposit.class, CommandHandler.builder(wallets, Transfers::deposit).source("wallets").build())
                .command(Refund.class, CommandHandler.builder(wallets, Transfers::refund).source("wallets").build())
                .deadlines(deadlines)
                .source("transfers");
    }

    static String transferId(EventRecord e) {
        return e.payload().path("transferId").asText(null);
    }

    static AggregateRef fund(Dispatcher d, String wallet, long amount) {
        d.dispatchEvent(EventSpec.of("wallet", wallet, "Wallet.Funded", Map.of("amount", amount)));
        return WALLET.ref(wallet);
    }

    static EventRecord request(Dispatcher d, String transferId, String from, String to, long amount) {
        d.dispatchEvent(EventSpec.builder().aggregate("transfer", transferId).eventType("Transfer.Requested")
                .payload(Map.of("from", from, "to", to, "amount", amount)).creating().build());
        return d.store().readEvents(dev.eventfold.store.EventQuery.of(TRANSFER.ref(transferId))).findFirst().orElseThrow();
    }

    private Transfers() {
    }
}
