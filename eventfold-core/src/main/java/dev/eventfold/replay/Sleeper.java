package dev.eventfold.replay;

import java.time.Duration;

/** Waits; injectable so that tests of rate limits run instantly on a fake clock. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));

    void sleep(Duration duration) throws InterruptedException;
}
