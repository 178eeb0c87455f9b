package dev.eventfold.cli.demo;

import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.CommandHandler;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.aggregate.Decision;
import dev.eventfold.core.EventRecord;
import dev.eventfold.domain.AggregateId;
import dev.eventfold.domain.DomainEvents;
import dev.eventfold.domain.Event;
import dev.eventfold.domain.Field;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.process.DeadlineScheduler;
import dev.eventfold.process.ProcessInput;
import dev.eventfold.process.ProcessManager;
import dev.eventfold.process.ProcessStep;
import dev.eventfold.store.EventStore;
import java.time.Duration;
import java.util.Map;

/**
 * A transfer between two wallets as a process manager: withdraw from A, deposit to B, complete;
 * refund A when B rejects the deposit (a frozen wallet) or when the withdrawal lands after the
 * transfer expired. The transfer's own stream ({@code transfer/<id>}) is the process's state; its
 * steps and the wallets' commands get ids derived from what they react to, so a redelivered event
 * repeats nothing and skips nothing.
 *
 * <pre>{@code
 * ProcessManager<Transfers.Transfer> transfers = Transfers.processManager(store, deadlines);
 * EventListener listener = EventListener.builder().process(transfers).build();
 * Transfers.requests(dispatcher).requested("tr-1", "wal-a", "wal-b", 2500);
 * }</pre>
 */
public final class Transfers {
    public static final String NAME = "transfers";
    public static final String REQUESTED = "Transfer.Requested";
    public static final Duration EXPIRY = Duration.ofMinutes(5);

    public static final AggregateType<Transfer> TYPE = AggregateType.<Transfer>builder("transfer")
            .initialState(Transfer.NONE).evolve(Transfer::apply).build();

    private Transfers() {
    }

    /** The typed dispatcher that starts a transfer: {@code Transfer.Requested}, creating the transfer. */
    @DomainEvents(aggregateType = "transfer", source = "payments")
    public interface Requests {
        @Event(value = REQUESTED, creates = true)
        DispatchResult requested(@AggregateId String transferId, @Field("from") String from, @Field("to") String to,
                                 @Field("amount") long cents);
    }

    /** Take {@code cents} from the source wallet for a transfer. */
    public record Debit(long cents, String transferId) {
    }

    /** Put {@code cents} into the destination wallet for a transfer. */
    public record Credit(long cents, String transferId) {
    }

    /** Give {@code cents} back to the source wallet of a transfer that could not complete. */
    public record Refund(long cents, String transferId) {
    }

    /** A transfer's state, folded from its stream. */
    public record Transfer(Status status, String from, String to, long cents, String reason) {
        static final Transfer NONE = new Transfer(Status.NONE, null, null, 0, null);

        Transfer apply(EventRecord e) {
            return switch (e.eventType()) {
                case REQUESTED -> new Transfer(Status.REQUESTED, e.payload().path("from").asText(),
                        e.payload().path("to").asText(), e.payload().path("amount").asLong(), null);
                case "Transfer.Debiting" -> with(Status.DEBITING, reason);
                case "Transfer.Crediting" -> with(Status.CREDITING, reason);
                case "Transfer.Completed" -> with(Status.COMPLETED, reason);
                case "Transfer.Refunding" -> with(Status.REFUNDING, e.payload().path("reason").asText(null));
                case "Transfer.Compensated" -> with(Status.COMPENSATED, reason);
                case "Transfer.Failed" -> with(Status.FAILED, e.payload().path("reason").asText(null));
                case "Transfer.Expired" -> with(Status.EXPIRED, "expired");
                default -> this;
            };
        }

        private Transfer with(Status s, String why) {
            return new Transfer(s, from, to, cents, why);
        }

        /** Completed, compensated (refunded) or failed (nothing moved): the process is over. */
        public boolean ended() {
            return status == Status.COMPLETED || status == Status.COMPENSATED || status == Status.FAILED;
        }
    }

    public enum Status { NONE, REQUESTED, DEBITING, CREDITING, COMPLETED, REFUNDING, COMPENSATED, FAILED, EXPIRED }

    /** The process: what each input leads to in each state. */
    static ProcessStep decide(Transfer t, ProcessInput input) {
        if (input instanceof ProcessInput.Incoming in) {
            EventRecord e = in.event();
            String id = e.eventType().equals(REQUESTED) ? e.aggregateId() : transferId(e);
            if (e.eventType().equals(REQUESTED) && t.status() == Status.REQUESTED) {
                return ProcessStep.record("Transfer.Debiting", Map.of("from", t.from()))
                        .andSend(Wallet.TYPE.ref(t.from()), new Debit(t.cents(), id))
                        .andSchedule("expire", e.occurredAtInstant().orElseThrow().plus(EXPIRY));
            }
            if (e.eventType().equals(Wallet.WITHDRAWN) && t.status() == Status.DEBITING) {
                return ProcessStep.record("Transfer.Crediting", Map.of("to", t.to()))
                        .andSend(Wallet.TYPE.ref(t.to()), new Credit(t.cents(), id));
            }
            if (e.eventType().equals(Wallet.WITHDRAWN) && t.status() == Status.EXPIRED) {
                return refunding(t, id, "expired");
            }
            if (e.eventType().equals(Wallet.DEPOSITED) && t.status() == Status.CREDITING) {
                return ProcessStep.record("Transfer.Completed", Map.of());
            }
            if (e.eventType().equals(Wallet.REFUNDED) && t.status() == Status.REFUNDING) {
                return ProcessStep.record("Transfer.Compensated", Map.of());
            }
            return ProcessStep.none();
        }
        if (input instanceof ProcessInput.Rejected r) {
            if (r.command() instanceof Debit && t.status() == Status.DEBITING) {
                return ProcessStep.record("Transfer.Failed", Map.of("reason", r.reasonCode()));
            }
            if (r.command() instanceof Credit c && t.status() == Status.CREDITING) {
                return refunding(t, c.transferId(), r.reasonCode());
            }
            return ProcessStep.none();
        }
        ProcessInput.DeadlineReached d = (ProcessInput.DeadlineReached) input;
        return d.name().equals("expire") && t.status() == Status.DEBITING
                ? ProcessStep.record("Transfer.Expired", Map.of()) : ProcessStep.none();
    }

    private static ProcessStep refunding(Transfer t, String transferId, String reason) {
        return ProcessStep.record("Transfer.Refunding", Map.of("reason", reason))
                .andSend(Wallet.TYPE.ref(t.from()), new Refund(t.cents(), transferId));
    }

    static Decision debit(Debit c, Wallet w) {
        return Wallet.withdrawal(c.cents(), w, Map.of("amount", c.cents(), "transferId", c.transferId()));
    }

    static Decision credit(Credit c, Wallet w) {
        return w.frozen() ? Decision.reject("frozen", "the wallet is frozen")
                : Decision.accept(DecidedEvent.of(Wallet.DEPOSITED, Map.of("amount", c.cents(), "transferId", c.transferId())));
    }

    static Decision refund(Refund c, Wallet w) {
        return Decision.accept(DecidedEvent.of(Wallet.REFUNDED, Map.of("amount", c.cents(), "transferId", c.transferId())));
    }

    /** The transfer a wallet event belongs to, or null. */
    public static String transferId(EventRecord e) {
        return e.payload().path("transferId").asText(null);
    }

    /** The transfer process over {@code store}, with the wallets' command handlers (source {@code billing}). */
    public static ProcessManager<Transfer> processManager(EventStore store, DeadlineScheduler deadlines) {
        AggregateRepository<Wallet> wallets = AggregateRepository.builder(store, Wallet.TYPE).build();
        return ProcessManager.builder(NAME, TYPE, store)
                .on(REQUESTED, EventRecord::aggregateId)
                .on(Wallet.WITHDRAWN, Transfers::transferId)
                .on(Wallet.DEPOSITED, Transfers::transferId)
                .on(Wallet.REFUNDED, Transfers::transferId)
                .decide(Transfers::decide)
                .command(Debit.class, CommandHandler.builder(wallets, Transfers::debit).source("billing").build())
                .command(Credit.class, CommandHandler.builder(wallets, Transfers::credit).source("billing").build())
                .command(Refund.class, CommandHandler.builder(wallets, Transfers::refund).source("billing").build())
                .deadlines(deadlines)
                .source("payments")
                .build();
    }
}
