package dev.eventfold.aggregate;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link Decider} answers to a command: accept it with zero or more events, or reject it
 * with a reason code. A rejection writes nothing and reaches the caller as a
 * {@link CommandRejectedException}.
 *
 * <pre>{@code
 * return state.balance() < cmd.amount()
 *     ? Decision.reject("insufficient_funds", "balance below amount")
 *     : Decision.accept(DecidedEvent.of("Wallet.Withdrawn", Map.of("amount", cmd.amount())));
 * }</pre>
 */
public sealed interface Decision permits Decision.Accept, Decision.Reject {

    static Decision accept(DecidedEvent... events) {
        return new Accept(Arrays.asList(events));
    }

    static Decision accept(List<DecidedEvent> events) {
        return new Accept(events);
    }

    /** Accepted, nothing to record (the command asks for what is already true). */
    static Decision none() {
        return new Accept(List.of());
    }

    static Decision reject(String reasonCode, String detail) {
        return new Reject(reasonCode, detail);
    }

    /** Accepted; {@code events} are appended in order, atomically. */
    record Accept(List<DecidedEvent> events) implements Decision {
        public Accept {
            if (events == null) {
                throw new InvalidInputException("events", "must not be null");
            }
            events = List.copyOf(events);
        }
    }

    /**
     * Refused by the domain.
     *
     * @param reasonCode a stable, machine-readable code, e.g. {@code insufficient_funds}
     * @param detail     a short human explanation; may be null. Keep personal data out: it is logged
     */
    record Reject(String reasonCode, String detail) implements Decision {
        public Reject {
            reasonCode = Keys.requireNonBlank("reasonCode", reasonCode);
        }
    }
}
