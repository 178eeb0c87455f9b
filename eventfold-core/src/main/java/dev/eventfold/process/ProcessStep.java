package dev.eventfold.process;

import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.internal.Checks;
import dev.eventfold.spi.wire.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a process does on one input: events recorded on its own stream (its state, and the record
 * that the input was handled), then commands sent to other aggregates and deadlines set. The
 * events are appended first, in one append at the version the state was folded at; the commands
 * and deadlines follow. A step that sends or schedules anything records at least one event: on a
 * redelivery, that record is how the step is found and its effects resumed rather than repeated.
 *
 * <pre>{@code
 * ProcessStep.record("Transfer.Debiting", Map.of("from", from))
 *     .andSend(Wallets.TYPE.ref(from), new Withdraw(amount, transferId))
 *     .andSchedule("expire", requested.occurredAtInstant().orElseThrow().plus(Duration.ofMinutes(5)));
 * }</pre>
 */
public record ProcessStep(List<DecidedEvent> record, List<Command> commands, List<Deadline> deadlines) {
    private static final ProcessStep NONE = new ProcessStep(List.of(), List.of(), List.of());

    public ProcessStep {
        record = List.copyOf(Checks.notNull(record, "record"));
        commands = List.copyOf(Checks.notNull(commands, "commands"));
        deadlines = List.copyOf(Checks.notNull(deadlines, "deadlines"));
    }

    /** A command for {@code target}, sent to the command handler registered for its class. */
    public record Command(AggregateRef target, Object command) {
        public Command {
            Checks.notNull(target, "target");
            Checks.notNull(command, "command");
        }
    }

    /** A deadline: the process is given {@link ProcessInput.DeadlineReached} at {@code at}. */
    public record Deadline(String name, Instant at) {
        public Deadline {
            name = Keys.requireNonBlank("name", name);
            Checks.notNull(at, "at");
        }
    }

    /** Nothing to do for this input. */
    public static ProcessStep none() {
        return NONE;
    }

    /** A step that records one event ({@code payload}: any value Jackson maps to JSON). */
    public static ProcessStep record(String eventType, Object payload) {
        return NONE.andRecord(eventType, payload);
    }

    public ProcessStep andRecord(String eventType, Object payload) {
        return andRecord(DecidedEvent.of(eventType, payload));
    }

    public ProcessStep andRecord(DecidedEvent event) {
        return new ProcessStep(plus(record, Checks.notNull(event, "event")), commands, deadlines);
    }

    public ProcessStep andSend(AggregateRef target, Object command) {
        return new ProcessStep(record, plus(commands, new Command(target, command)), deadlines);
    }

    public ProcessStep andSchedule(String name, Instant at) {
        return new ProcessStep(record, commands, plus(deadlines, new Deadline(name, at)));
    }

    public boolean isNone() {
        return record.isEmpty() && commands.isEmpty() && deadlines.isEmpty();
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(item);
        return out;
    }
}
