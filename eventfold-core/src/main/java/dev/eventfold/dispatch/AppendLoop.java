package dev.eventfold.dispatch;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append of a {@link Dispatcher} with its retries: the expected version from the cache, the
 * head or the caller; a conflict re-bases on the reported (or re-read) version, a transient
 * failure sends the very same request again. Never retries what a retry cannot fix.
 */
final class AppendLoop {
    // The dispatcher's logger: these lines have always been the dispatcher's.
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final EventStore store;
    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final VersionCache versions;
    private final Sleeper sleeper;
    private final Supplier<? extends RandomGenerator> jitterSource;
    private volatile RandomGenerator jitter; // obtained on the first retry: nothing random in a snapshot

    AppendLoop(EventStore store, Clock clock, RetryPolicy retryPolicy, VersionCache versions, Sleeper sleeper,
               Supplier<? extends RandomGenerator> jitterSource) {
        this.store = store;
        this.clock = clock;
        this.retryPolicy = retryPolicy;
        this.versions = versions;
        this.sleeper = sleeper;
        this.jitterSource = jitterSource;
    }

    VersionCache versions() {
        return versions;
    }

    List<DispatchResult> append(AggregateRef aggregate, List<NewEvent> events, String key, OptionalLong fixedVersion,
                                String pk) {
        OptionalLong known = fixedVersion.isPresent() ? fixedVersion : versions.get(pk);
        if (known.isEmpty()) {
            // The head is read before the append: refuse what the store would refuse before that request too.
            PreparedAppend.of(new AppendRequest(aggregate, Keys.MAX_VERSION - events.size(), events, key), clock.instant());
        }
        AppendRequest request = null;
        for (int attempt = 1; ; attempt++) {
            try {
                if (known.isEmpty()) {
                    known = OptionalLong.of(store.currentVersion(aggregate));
                }
                if (request == null || request.expectedVersion() != known.getAsLong()) {
                    request = new AppendRequest(aggregate, known.getAsLong(), events, key);
                }
                AppendResult r = store.append(request);
                versions.observe(pk, r.version());
                if (attempt > 1 || r.alreadyAppended()) {
                    LOG.debug("dispatch to {} landed at version {} after {} attempts{}", aggregate, r.version(),
                            attempt, r.alreadyAppended() ? " (an earlier attempt had landed)" : "");
                }
                return results(r, events, key, attempt);
            } catch (ConcurrencyConflictException c) {
                if (fixedVersion.isPresent() || !retryPolicy.retryConflicts() || attempt >= retryPolicy.maxAttempts()) {
                    versions.invalidate(pk);
                    throw c;
                }
                if (c.actualVersion().isPresent() && !retryPolicy.rereadHead()) {
                    known = c.actualVersion();
                    versions.correct(pk, known.getAsLong());
                } else {
                    known = OptionalLong.empty(); // re-read after the pause, so the head is as fresh as it can be
                    versions.invalidate(pk);
                }
                LOG.debug("conflict on {} (attempt {}): expected {}, actual {}", aggregate, attempt,
                        c.expectedVersion(), c.actualVersion());
                pause(attempt, c);
            } catch (EventStoreException e) {
                if (!e.isRetryable() || !retryPolicy.retryTransientErrors() || attempt >= retryPolicy.maxAttempts()) {
                    throw e;
                }
                // The same request again: if the failed one landed, the store recognises it and writes nothing.
                LOG.debug("{} on {} (attempt {}): retrying the same append", e.kind(), aggregate, attempt);
                pause(attempt, e);
            }
        }
    }

    private static List<DispatchResult> results(AppendResult r, List<NewEvent> events, String key, int attempts) {
        List<DispatchResult> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add(new DispatchResult(r.aggregate(), r.firstVersion() + i, events.get(i).eventId(), key,
                    r.alreadyAppended(), attempts));
        }
        return out;
    }

    private void pause(int attempt, RuntimeException cause) {
        Duration d = retryPolicy.backoff().delay(attempt, jitter());
        try {
            sleeper.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw cause; // give up with what we know; the interrupt stays visible to the caller
        }
    }

    private RandomGenerator jitter() {
        RandomGenerator r = jitter;
        if (r == null) {
            synchronized (this) {
                r = jitter;
                if (r == null) {
                    jitter = r = Objects.requireNonNull(jitterSource.get(), "jitter source returned null");
                }
            }
        }
        return r;
    }
}
