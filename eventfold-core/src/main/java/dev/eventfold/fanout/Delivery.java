package dev.eventfold.fanout;

import dev.eventfold.fanout.internal.EntryIds;
import dev.eventfold.internal.retry.Backoff;
import dev.eventfold.internal.retry.RetryLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request of a {@link StreamFanOut} and its resends: the entries a service reported failed
 * (or all of them, when the request as a whole failed) go again, alone, while they are retryable
 * and attempts remain, with the fan-out's backoff in between.
 */
final class Delivery {
    // The fan-out's logger: these lines have always been the fan-out's.
    private static final Logger log = LoggerFactory.getLogger(StreamFanOut.class);

    private final RetryLoop retries;
    private final int maxAttempts;

    Delivery(RetryLoop retries) {
        this.retries = retries;
        this.maxAttempts = retries.maxAttempts();
    }

    /**
     * The wait before retry n: {@code initial * 2^(n-1)} in whole milliseconds, at most {@code max},
     * and doubling at most 20 times (as it always has).
     */
    static Backoff doubling(Duration initial, Duration max) {
        long initialMillis = initial.toMillis();
        if (initialMillis == 0) {
            return Backoff.none();
        }
        long capMillis = initialMillis > (Long.MAX_VALUE >> 20) ? max.toMillis()
                : Math.min(max.toMillis(), initialMillis << 20);
        return Backoff.exponential(Duration.ofMillis(initialMillis), 2, Duration.ofMillis(capMillis));
    }

    /** The entries of one request that were not delivered, and the requests it took. */
    record Attempted<E>(int requests, List<Undelivered<E>> undelivered) {
    }

    record Undelivered<E>(Pending<E> pending, DeliveryFailure failure) {
    }

    /** Sends one request, then its failed entries alone, while they are retryable and attempts remain. */
    <E> Attempted<E> deliver(String destination, List<Pending<E>> batch,
                             Function<List<E>, List<EntryFailure>> publish, Function<E, String> idOf) {
        Map<String, Pending<E>> byId = new LinkedHashMap<>();
        List<E> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending<E> p = batch.get(i);
            E entry = p.entryWithId().apply(EntryIds.of(p.candidate().eventId(), i));
            byId.put(idOf.apply(entry), p);
            entries.add(entry);
        }
        Resends<E> resends = new Resends<>(destination, batch.size(), entries, publish, idOf);
        if (!entries.isEmpty()) {
            retries.run(resends);
        }
        entries = resends.entries;
        List<EntryFailure> lastFailures = resends.lastFailures;
        DeliveryFailure.Reason reason = resends.reason;
        int requests = resends.requests;
        if (entries.isEmpty()) {
            return new Attempted<>(requests, List.of());
        }
        Map<String, EntryFailure> failedById = new HashMap<>();
        lastFailures.forEach(f -> failedById.put(f.id(), f));
        List<Undelivered<E>> undelivered = new ArrayList<>();
        for (E en : entries) {
            Pending<E> p = byId.get(idOf.apply(en));
            EntryFailure f = failedById.get(idOf.apply(en));
            Candidate c = p.candidate();
            log.error("event {} (stream record {}) not delivered to {}: {} {}", c.eventId(),
                    c.sequenceNumber(), destination, f.code(), f.message());
            undelivered.add(new Undelivered<>(p, new DeliveryFailure(c.sequenceNumber(), c.eventId(), destination,
                    reason, f.code() + ": " + f.message())));
        }
        return new Attempted<>(requests, undelivered);
    }

    /** The attempts of one request: each sends the entries the last one left undelivered. */
    private final class Resends<E> implements RetryLoop.Attempt<Void> {
        final String destination;
        final int batchSize;
        final Function<List<E>, List<EntryFailure>> publish;
        final Function<E, String> idOf;
        List<E> entries;
        List<EntryFailure> lastFailures = List.of();
        DeliveryFailure.Reason reason = DeliveryFailure.Reason.REJECTED;
        int requests;

        Resends(String destination, int batchSize, List<E> entries, Function<List<E>, List<EntryFailure>> publish,
                Function<E, String> idOf) {
            this.destination = destination;
            this.batchSize = batchSize;
            this.entries = entries;
            this.publish = publish;
            this.idOf = idOf;
        }

        @Override
        public RetryLoop.Step<Void> run(int attempt, boolean last) {
            requests++;
            try {
                lastFailures = publish.apply(entries);
                reason = DeliveryFailure.Reason.REJECTED;
            } catch (RuntimeException e) {
                // The request as a whole failed (the SDK already retried it): every entry is undelivered.
                log.warn("request to {} failed (attempt {} of {}): {}", destination, attempt, maxAttempts,
                        e.toString());
                lastFailures = entries.stream().map(en -> new EntryFailure(idOf.apply(en),
                        e.getClass().getSimpleName(), e.getMessage(), true)).toList();
                reason = DeliveryFailure.Reason.REQUEST_FAILED;
            }
            Map<String, EntryFailure> failedById = new HashMap<>();
            for (EntryFailure f : lastFailures) {
                failedById.put(f.id(), f);
            }
            entries = entries.stream().filter(en -> failedById.containsKey(idOf.apply(en))).toList();
            if (entries.isEmpty() || lastFailures.stream().anyMatch(f -> !f.retryable()) || last) {
                return RetryLoop.Step.done(null);
            }
            log.info("{} of {} entries to {} failed, retrying", entries.size(), batchSize, destination);
            return RetryLoop.Step.again(ie -> new IllegalStateException("interrupted while backing off", ie));
        }
    }
}
