package dev.eventfold.process;

/**
 * Where a process manager's deadlines go to be fired later: on AWS, an EventBridge Scheduler
 * one-time schedule or a delayed SQS message whose handler calls
 * {@link ProcessManager#deadline(ScheduledDeadline)}; in tests and on the embedded runtime,
 * {@link InMemoryDeadlines}. A deadline may be scheduled more than once (a step's effects are
 * resumed after a crash) and fired more than once: the process manager recognises a deadline it
 * already handled, so a scheduler needs no deduplication of its own, only at-least-once firing.
 */
@FunctionalInterface
public interface DeadlineScheduler {
    void schedule(ScheduledDeadline deadline) throws Exception;
}
