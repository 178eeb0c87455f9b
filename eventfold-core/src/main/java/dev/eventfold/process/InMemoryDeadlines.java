package dev.eventfold.process;

import dev.eventfold.internal.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Deadlines kept in memory until they are due: for tests and the embedded runtime. Scheduling the
 * same deadline twice keeps one. Thread-safe.
 *
 * <pre>{@code
 * InMemoryDeadlines deadlines = new InMemoryDeadlines();
 * ProcessManager<Transfer> transfers = ProcessManager.builder(...).deadlines(deadlines).build();
 * deadlines.due(clock.instant()).forEach(transfers::deadline);
 * }</pre>
 */
public final class InMemoryDeadlines implements DeadlineScheduler {
    private final Set<ScheduledDeadline> pending = new LinkedHashSet<>();

    @Override
    public synchronized void schedule(ScheduledDeadline deadline) {
        pending.add(Checks.notNull(deadline, "deadline"));
    }

    /** Removes and returns the deadlines due at {@code now}, earliest first. */
    public synchronized List<ScheduledDeadline> due(Instant now) {
        Checks.notNull(now, "now");
        List<ScheduledDeadline> out = new ArrayList<>();
        for (ScheduledDeadline d : pending) {
            if (!d.dueAt().isAfter(now)) {
                out.add(d);
            }
        }
        out.forEach(pending::remove);
        out.sort(Comparator.comparing(ScheduledDeadline::dueAt));
        return out;
    }

    /** The deadlines not yet due or not yet taken, earliest first. */
    public synchronized List<ScheduledDeadline> pending() {
        return pending.stream().sorted(Comparator.comparing(ScheduledDeadline::dueAt)).toList();
    }
}
