package dev.eventfold.dispatch;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Sleeper;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * failure sends the very same request again (same versions, same time, same token). Never retries
 * what a retry cannot fix.
 *
 * <p>An attempt whose outcome is unknown (a lost response, a timeout, a 5xx) may have landed. Its
 * claimed versions are remembered, and before any later conflict is re-based, whatever the
 * cancellation said, the event at each such version is read: if it is this append's first event,
 * the append had landed and is reported as already appended. So an append with generated ids,
 * which writes no idempotency record, is still never written twice (ADR 0001).
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
        this.retries = new RetryLoop(retryPolicy.maxAttempts(), retryPolicy.timeBudget().orElse(null),
                retryPolicy.backoff(), sleeper, jitterSource, System::nanoTime);
    }

    VersionCache versions() {
        return versions;
    }

    /**
     * @param generatedKey the dispatcher made the event ids and the key: no idempotency record is
     *                     needed (nobody else can repeat them), its own resends are recognised here
     */
    List<DispatchResult> append(AggregateRef aggregate, List<NewEvent> events, String key, OptionalLong fixedVersion,
                                String pk, boolean generatedKey) {
        OptionalLong known = fixedVersion.isPresent() ? fixedVersion : versions.get(pk);
        if (known.isEmpty()) {
            // The head is read before the append: refuse what the store would refuse before that request too.
            PreparedAppend.of(new AppendRequest(aggregate, Keys.MAX_VERSION - events.size(), events, key), clock.instant());
        }
        return retries.run(new Attempts(aggregate, events, key, fixedVersion, pk, known, generatedKey, clock.instant()));
    }

    /** The attempts of one append: the version they expect, and the request, kept while that version holds. */
    private final class Attempts implements RetryLoop.Attempt<List<DispatchResult>> {
        private final AggregateRef aggregate;
        private final List<NewEvent> events;
        private final String key;
        private final OptionalLong fixedVersion;
        private final String pk;
        private final boolean generatedKey;
        private final Instant firstAttempt;
        private OptionalLong known;
        private AppendRequest request;
        /** The version this attempt expects was learnt before a pause (or from the cache): possibly stale. */
        private boolean stale = true;
        /** First versions claimed by attempts whose outcome is unknown: any of them may hold this append. */
        private final Set<Long> unanswered = new TreeSet<>();

        Attempts(AggregateRef aggregate, List<NewEvent> events, String key, OptionalLong fixedVersion, String pk,
                 OptionalLong known, boolean generatedKey, Instant firstAttempt) {
            this.aggregate = aggregate;
            this.events = events;
            this.key = key;
            this.fixedVersion = fixedVersion;
            this.pk = pk;
            this.known = known;
            this.generatedKey = generatedKey;
            this.firstAttempt = firstAttempt;
        }

        private List<DispatchResult> landed(AppendResult r, int attempt) {
            versions.observe(pk, r.version());
            if (attempt > 1 || r.alreadyAppended()) {
                LOG.debug("dispatch to {} landed at version {} after {} attempts{}", aggregate, r.version(),
                        attempt, r.alreadyAppended() ? " (an earlier attempt had landed)" : "");
            }
            return results(r, events, key, attempt);
        }

        private AppendRequest request(long expectedVersion) {
            AppendRequest r = new AppendRequest(aggregate, expectedVersion, events, key).at(firstAttempt);
            return generatedKey ? r.withGeneratedKey() : r;
        }

        /**
         * Before a conflict is re-based: did an unanswered attempt land? One read per claimed version
         * the store has not already checked (it compares the event at the current request's first
         * version when the cancellation reports a head past it).
         */
        private Optional<AppendResult> landedEarlier(ConcurrencyConflictException c) {
            for (Iterator<Long> it = unanswered.iterator(); it.hasNext(); ) {
                long first = it.next();
                boolean checkedByStore = first == request.firstVersion() && c.actualVersion().isPresent();
                if (checkedByStore || c.actualVersion().isPresent() && c.actualVersion().getAsLong() < first) {
                    // Checked already, or not reached by the head: that attempt did not land there.
                    it.remove();
                    continue;
                }
                Optional<EventRecord> there = store.getEvent(aggregate, first);
                if (there.isPresent() && there.get().eventId().equals(events.get(0).eventId())) {
                    LOG.debug("dispatch to {}: an unanswered attempt had landed at {}", aggregate, first);
                    return Optional.of(new AppendResult(aggregate, first, first + events.size() - 1, true));
                }
                if (there.isPresent()) {
                    it.remove(); // another event holds the version: that attempt did not land
                }
            }
            return Optional.empty();
        }

        @Override
        public RetryLoop.Step<List<DispatchResult>> run(int attempt, boolean last) {
            try {
                if (known.isEmpty()) {
                    known = OptionalLong.of(store.currentVersion(aggregate));
                }
                if (request == null || request.expectedVersion() != known.getAsLong()) {
                    request = request(known.getAsLong());
                }
                AppendResult r = store.append(request);
                return RetryLoop.Step.done(landed(r, attempt));
            } catch (ConcurrencyConflictException c) {
                Optional<AppendResult> earlier = unanswered.isEmpty() ? Optional.empty() : landedEarlier(c);
                if (earlier.isPresent()) {
                    return RetryLoop.Step.done(landed(earlier.get(), attempt));
                }
                if (fixedVersion.isPresent() || !retryPolicy.retryConflicts() || last) {
                    versions.invalidate(pk);
                    throw c;
                }
                LOG.debug("conflict on {} (attempt {}): expected {}, actual {}", aggregate, attempt,
                        c.expectedVersion(), c.actualVersion());
                if (c.actualVersion().isPresent() && !retryPolicy.rereadHead()) {
                    known = c.actualVersion();
                    versions.correct(pk, known.getAsLong());
                    if (stale) {
                        // The version came from before a pause or from the cache: the conflict says
                        // only that time passed, and it returned the head. Try the fresh version at
                        // once; only a conflict on a fresh attempt is contention worth a pause.
                        // (Otherwise a writer that waited would always be stale: the ones that
                        // never wait would win every time, and it would give up.)
                        stale = false;
                        return RetryLoop.Step.againNow();
                    }
                } else {
                    known = OptionalLong.empty(); // re-read after the pause, so the head is as fresh as it can be
                    versions.invalidate(pk);
                }
                stale = true;
                return RetryLoop.Step.again(c); // interrupted in the pause: give up with what we know
            } catch (EventStoreException e) {
                if (e.kind() == EventStoreException.Kind.UNKNOWN_OUTCOME && request != null) {
                    unanswered.add(request.firstVersion());
                }
                if (!e.isRetryable() || !retryPolicy.retryTransientErrors() || last) {
                    throw e;
                }
                // The same request again: if the failed one landed, the store recognises it and writes nothing.
                LOG.debug("{} on {} (attempt {}): retrying the same append", e.kind(), aggregate, attempt);
                stale = true;
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
