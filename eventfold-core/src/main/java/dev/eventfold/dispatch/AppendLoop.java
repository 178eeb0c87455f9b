package dev.eventfold.dispatch;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Sleeper;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
    private final RetryLoop retries;

    AppendLoop(EventStore store, Clock clock, RetryPolicy retryPolicy, VersionCache versions, Sleeper sleeper,
               Supplier<? extends RandomGenerator> jitterSource) {
        this.store = store;
        this.clock = clock;
        this.retryPolicy = retryPolicy;
        this.versions = versions;
        // The jitter source is asked for on the first jittered pause: nothing random in a snapshot.
        this.retries = new RetryLoop(retryPolicy.maxAttempts(), retryPolicy.backoff(), sleeper, jitterSource);
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
        return retries.run(new Attempts(aggregate, events, key, fixedVersion, pk, known));
    }

    /** The attempts of one append: the version they expect, and the request, kept while that version holds. */
    private final class Attempts implements RetryLoop.Attempt<List<DispatchResult>> {
        private final AggregateRef aggregate;
        private final List<NewEvent> events;
        private final String key;
        private final OptionalLong fixedVersion;
        private final String pk;
        private OptionalLong known;
        private AppendRequest request;

        Attempts(AggregateRef aggregate, List<NewEvent> events, String key, OptionalLong fixedVersion, String pk,
                 OptionalLong known) {
            this.aggregate = aggregate;
            this.events = events;
            this.key = key;
            this.fixedVersion = fixedVersion;
            this.pk = pk;
            this.known = known;
        }

        @Override
        public RetryLoop.Step<List<DispatchResult>> run(int attempt, boolean last) {
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
                return RetryLoop.Step.done(results(r, events, key, attempt));
            } catch (ConcurrencyConflictException c) {
                if (fixedVersion.isPresent() || !retryPolicy.retryConflicts() || last) {
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
                return RetryLoop.Step.again(c); // interrupted in the pause: give up with what we know
            } catch (EventStoreException e) {
                if (!e.isRetryable() || !retryPolicy.retryTransientErrors() || last) {
                    throw e;
                }
                // The same request again: if the failed one landed, the store recognises it and writes nothing.
                LOG.debug("{} on {} (attempt {}): retrying the same append", e.kind(), aggregate, attempt);
                return RetryLoop.Step.again(e);
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
}
