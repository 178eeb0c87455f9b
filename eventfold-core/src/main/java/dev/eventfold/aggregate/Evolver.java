package dev.eventfold.aggregate;

import dev.eventfold.core.EventRecord;

/**
 * Folds one event into an aggregate's state: {@code state(n) = evolve(state(n-1), event(n))}.
 * Must be a pure function of its arguments (no clock, no I/O), so that a state rebuilt from a
 * snapshot plus the later events equals the state rebuilt from every event.
 *
 * <pre>{@code
 * Evolver<Wallet> evolve = (wallet, event) -> switch (event.eventType()) {
 *     case "Wallet.Funded" -> wallet.plus(event.payload().get("amount").longValue());
 *     default -> wallet;   // unknown types leave the state as it is
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Evolver<S> {
    S evolve(S state, EventRecord event);
}
