package dev.eventfold.aggregate;

/**
 * The pure decision of the decider pattern: given a command and the current state, which events
 * happen (or why not). No I/O: the {@link CommandHandler} may call it more than once for one
 * command when another writer got in between.
 *
 * <pre>{@code
 * Decider<Withdraw, Wallet> withdraw = (cmd, wallet) -> wallet.balance() < cmd.amount()
 *     ? Decision.reject("insufficient_funds", null)
 *     : Decision.accept(DecidedEvent.of("Wallet.Withdrawn", cmd));
 * }</pre>
 */
@FunctionalInterface
public interface Decider<C, S> {
    Decision decide(C command, S state);
}
