package dev.eventfold.replay;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.internal.concurrent.LazyExecutor;
import dev.eventfold.internal.retry.RateLimiter;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution of a {@link Replayer}: its counters, checkpoint and lanes (one per scan segment,
 * or one for an aggregate or a tenant), each lane filling batches for the sink at the paced rate.
 */
final class ReplayRun {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class); // the replayer's lines, as always
    private static final int PAGE = 100;

    private final EventStore store;
    private final ScanSource scanSource;
    private final ReplaySink sink;
    private final int batchSize;
    private final ReplayCheckpointStore checkpointStore;
    private final String replayId;
    private final Consumer<ReplayProgress> progress;
    private final LongSupplier nanoTime;
    private final int parallelism;
    final ReplaySelector selector;
    final boolean dry;
    final RateLimiter limiter;
    final long startNanos;
    final AtomicLong matched = new AtomicLong();
    final AtomicLong published = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final List<ReplaySink.Failure> failures = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Long> byType = new ConcurrentHashMap<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final OptionalLong estimate;
    ReplayCheckpoint checkpoint;

    ReplayRun(ReplaySettings settings, ReplaySelector selector, boolean dry) {
        this.store = settings.store();
        this.scanSource = settings.scanSource();
        this.sink = settings.sink();
        this.batchSize = settings.batchSize();
        this.checkpointStore = settings.checkpointStore();
        this.replayId = settings.replayId();
        this.progress = settings.progress();
        this.nanoTime = settings.nanoTime();
        this.parallelism = settings.parallelism();
        this.startNanos = nanoTime.getAsLong();
        this.selector = Objects.requireNonNull(selector, "selector");
        this.dry = dry;
        this.limiter = dry ? RateLimiter.unlimited() : RateLimiter.of(settings.rate(), nanoTime, settings.sleeper());
        if (selector instanceof ReplaySelector.TypeAndTime && scanSource == null) {
            throw new InvalidInputException("scanSource", "selecting by event type and time needs a scan source");
        }
        this.checkpoint = new ReplayCheckpoint(selector.describe(), Map.of());
        if (!dry && checkpointStore != null) {
            checkpointStore.load(replayId).ifPresent(c -> {
                if (!c.selection().equals(selector.describe())) {
                    throw new InvalidInputException("replayId", "checkpoint " + replayId
                            + " belongs to another selection: " + c.selection());
                }
                checkpoint = c;
            });
        }
        this.estimate = selector instanceof ReplaySelector.Aggregate a ? estimate(a) : OptionalLong.empty();
    }

    ReplayReport execute() {
        int lanes = selector instanceof ReplaySelector.TypeAndTime t ? t.totalSegments() : 1;
        try {
            if (lanes == 1 || parallelism == 1) {
                for (int lane = 0; lane < lanes && !stop.get(); lane++) {
                    runLane(lane);
                }
            } else {
                runParallel(lanes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
        }
        boolean completed = !stop.get() && failures.isEmpty();
        if (!dry && checkpointStore != null && completed) {
            checkpointStore.delete(replayId);
        }
        return new ReplayReport(selector.describe(), dry, matched.get(), published.get(), failures, malformed.get(),
                completed, elapsed(), byType, dry ? null : checkpoint);
    }

    private void runParallel(int lanes) throws InterruptedException {
        LazyExecutor threads = LazyExecutor.fixed("eventfold-replay", Math.min(parallelism, lanes));
        try {
            ExecutorService pool = threads.get();
            List<Future<?>> futures = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                int l = lane;
                futures.add(pool.submit(() -> {
                    runLane(l);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    stop.set(true);
                    Throwable c = e.getCause();
                    throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
                }
            }
        } finally {
            threads.closeNow(); // a failed lane stops the others
        }
    }

    private void runLane(int lane) throws InterruptedException {
        ReplayCheckpoint.Lane start = dry ? ReplayCheckpoint.Lane.START : checkpoint().lane(lane);
        if (start.done()) {
            return;
        }
        Batch batch = new Batch(lane);
        boolean finished;
        if (selector instanceof ReplaySelector.Aggregate a) {
            finished = aggregateLane(a, start, batch);
        } else if (selector instanceof ReplaySelector.Tenant t) {
            finished = tenantLane(t, start, batch);
        } else {
            finished = scanLane((ReplaySelector.TypeAndTime) selector, lane, start, batch);
        }
        if (finished && batch.flush()) {
            Batch.Position p = batch.lastSaved;
            save(lane, new ReplayCheckpoint.Lane(p == null ? start.pageCursor() : p.pageCursor,
                    p == null ? start.lastPk() : p.pk, p == null ? start.lastSk() : p.sk, true));
        }
    }

    private boolean aggregateLane(ReplaySelector.Aggregate a, ReplayCheckpoint.Lane start, Batch batch)
            throws InterruptedException {
        long after = Math.max(a.fromVersionExclusive(), start.lastVersion());
        if (after >= a.toVersionInclusive()) {
            return true;
        }
        return events(EventQuery.of(a.aggregate()).after(after).through(a.toVersionInclusive()), null, batch);
    }

    private boolean tenantLane(ReplaySelector.Tenant t, ReplayCheckpoint.Lane start, Batch batch)
            throws InterruptedException {
        String pageCursor = start.pageCursor();
        boolean resuming = start.lastPk() != null;
        while (!stop.get()) {
            Page<AggregateRef> page = store.listTenantAggregates(t.tenantId(), PAGE, pageCursor);
            for (AggregateRef ref : page.data()) {
                long after = 0;
                if (resuming) {
                    int cmp = ref.pk().compareTo(start.lastPk());
                    if (cmp < 0) {
                        continue;
                    }
                    if (cmp == 0) {
                        after = start.lastVersion();
                    }
                }
                if (!events(EventQuery.of(ref).after(after), pageCursor, batch)) {
                    return false;
                }
            }
            resuming = false;
            if (!page.hasMore()) {
                return true;
            }
            pageCursor = page.cursor();
        }
        return false;
    }

    private boolean events(EventQuery query, String pageCursor, Batch batch) throws InterruptedException {
        try (Stream<EventRecord> events = store.readEvents(query)) {
            for (Iterator<EventRecord> it = events.iterator(); it.hasNext(); ) {
                if (stop.get()) {
                    return false;
                }
                EventRecord e = it.next();
                if (!batch.add(e, new Batch.Position(pageCursor, e.pk(), e.sk()))) {
                    return false;
                }
            }
        }
        return !stop.get();
    }

    private boolean scanLane(ReplaySelector.TypeAndTime s, int segment, ReplayCheckpoint.Lane start, Batch batch)
            throws InterruptedException {
        ScanFilter filter = new ScanFilter(true, s.eventTypes());
        String cursor = start.pageCursor();
        boolean resuming = start.lastPk() != null;
        while (!stop.get()) {
            Page<ObjectNode> page = scanSource.scan(segment, s.totalSegments(), cursor, filter);
            int from = 0;
            if (resuming) {
                // Skip up to and including the last published item of this page.
                for (int i = 0; i < page.data().size(); i++) {
                    JsonNode item = page.data().get(i);
                    if (start.lastPk().equals(item.path(Attributes.PK).asText(null)) && start.lastSk().equals(item.path(Attributes.SK).asText(null))) {
                        from = i + 1;
                        break;
                    }
                }
                resuming = false;
            }
            for (int i = from; i < page.data().size(); i++) {
                if (stop.get()) {
                    return false;
                }
                ObjectNode item = page.data().get(i);
                EventRecord e = eventOf(item);
                if (e == null || !s.matches(e.eventType(), e.occurredAtInstant().orElse(null))) {
                    continue;
                }
                if (!batch.add(e, new Batch.Position(cursor, e.pk(), e.sk()))) {
                    return false;
                }
            }
            if (!page.hasMore()) {
                return true;
            }
            cursor = page.cursor();
        }
        return false;
    }

    private EventRecord eventOf(ObjectNode item) {
        String sk = item.path(Attributes.SK).asText("");
        if (!EventItems.isEvent(item) || !sk.startsWith(Keys.EVENT_SK_PREFIX)) {
            return null;
        }
        try {
            return EventItems.fromJson(item);
        } catch (RuntimeException e) {
            malformed.incrementAndGet();
            LOG.warn("replay skips malformed item pk={} sk={}: {}", item.path(Attributes.PK).asText(null), sk, e.getMessage());
            return null;
        }
    }

    private OptionalLong estimate(ReplaySelector.Aggregate a) {
        long head = store.currentVersion(a.aggregate());
        long last = Math.min(head, a.toVersionInclusive());
        return OptionalLong.of(Math.max(0, last - a.fromVersionExclusive()));
    }

    private synchronized ReplayCheckpoint checkpoint() {
        return checkpoint;
    }

    private void save(int lane, ReplayCheckpoint.Lane position) {
        if (dry) {
            return;
        }
        // Under the lock: segments must not overwrite a newer checkpoint with an older one.
        synchronized (this) {
            checkpoint = checkpoint.with(lane, position);
            if (checkpointStore != null) {
                checkpointStore.save(replayId, checkpoint);
            }
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - startNanos));
    }

    private synchronized void report() {
        if (progress != null) {
            progress.accept(new ReplayProgress(matched.get(), published.get(), failures.size(), malformed.get(),
                    elapsed(), estimate));
        }
    }

    /** The events of one lane waiting to go out, each with the position it leaves behind. */
    private final class Batch {
        record Position(String pageCursor, String pk, String sk) {
        }

        final int lane;
        final List<EventRecord> events = new ArrayList<>(batchSize);
        final List<Position> positions = new ArrayList<>(batchSize);
        Position lastSaved;

        Batch(int lane) {
            this.lane = lane;
        }

        /** Adds an event, sending the batch when full; false when the replay must stop. */
        boolean add(EventRecord e, Position p) throws InterruptedException {
            matched.incrementAndGet();
            byType.merge(e.eventType(), 1L, Long::sum);
            events.add(e.withMeta(e.meta().withReplay(true)));
            positions.add(p);
            return events.size() < batchSize || flush();
        }

        /** Sends what is waiting; false when the sink refused some of it. */
        boolean flush() throws InterruptedException {
            if (events.isEmpty()) {
                return !stop.get() || dry;
            }
            if (dry) {
                clear();
                report();
                return true;
            }
            limiter.acquire(events.size());
            ReplaySink.Result result = sink.publish(List.copyOf(events));
            if (result.ok()) {
                published.addAndGet(events.size());
                lastSaved = positions.get(positions.size() - 1);
                save(lane, new ReplayCheckpoint.Lane(lastSaved.pageCursor, lastSaved.pk, lastSaved.sk, false));
                clear();
                report();
                return true;
            }
            failures.addAll(result.failures());
            int firstFailed = firstFailedIndex(result);
            published.addAndGet(events.size() - result.failures().size());
            if (firstFailed > 0) {
                lastSaved = positions.get(firstFailed - 1);
                save(lane, new ReplayCheckpoint.Lane(lastSaved.pageCursor, lastSaved.pk, lastSaved.sk, false));
            }
            stop.set(true);
            clear();
            report();
            return false;
        }

        private int firstFailedIndex(ReplaySink.Result result) {
            for (int i = 0; i < events.size(); i++) {
                String id = events.get(i).eventId();
                if (result.failures().stream().anyMatch(f -> f.eventId().equals(id))) {
                    return i;
                }
            }
            return 0;
        }

        private void clear() {
            events.clear();
            positions.clear();
        }
    }
}
