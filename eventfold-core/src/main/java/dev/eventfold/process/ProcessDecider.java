package dev.eventfold.process;

/**
 * The process's logic: given its state (folded from its own events) and an input, the next step.
 * A function of the two: an input delivered again is decided again on the state before its step,
 * and must lead to the same step (the ids of what it records and sends are derived from the input
 * and their positions). Take times from the input (an event's {@code occurredAt}, a deadline's
 * {@code dueAt}), not from a clock.
 */
@FunctionalInterface
public interface ProcessDecider<S> {
    ProcessStep decide(S state, ProcessInput input) throws Exception;
}
