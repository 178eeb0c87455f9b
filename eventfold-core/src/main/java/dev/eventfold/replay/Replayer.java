package dev.eventfold.replay;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.Page;
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
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import dev.eventfold.internal.Checks;
import dev.eventfold.core.Sleeper;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Republishes stored events with {@code meta.replay = true} (WIRE.md section 6): by aggregate,
 * by tenant, or by event type and time range over a parallel scan; rate-limited, resumable, with
 * a dry run that only counts.
 *
 * <pre>{@code
 * Replayer replayer = Replayer.builder(store)
 *     .sink(events -> sqsPublisher.publish(events))       // an adapter of your publisher
 *     .scanSource(new DynamoDbScanSource(ddb, "events"))    // for the type-and-time selector
 *     .rateLimit(100)                                        // events per second
 *     .checkpoints(new FileReplayCheckpointStore(dir), "replay-2026-11-27")
 *     .progress(p -> bar.update(p.published(), p.rate()))
 *     .build();
 * ReplayReport r = replayer.run(ReplaySelector.tenant("t-42"));
 * System.exit(r.exitCode());
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Events go to the sink in batches of {@code batchSize}, per aggregate in version order.</li>
 *   <li>After every batch the checkpoint (if configured) is saved; a run with the same replay id
 *       and selection resumes after the last published event. A finished replay's checkpoint is
 *       deleted.</li>
 *   <li>A batch with failures stops the replay (other segments stop after their current batch);
 *       the checkpoint stays before the first failed event, so resuming sends it again. Events
 *       after it in that batch may be published twice: replays are at least once, like queues.</li>
 *   <li>Scanned items that cannot be read as events are skipped, counted and logged by keys.</li>
 *   <li>{@link #dryRun} reads the same selection from its start and counts; it publishes nothing,
 *       waits for no rate limit and touches no checkpoint.</li>
 *   <li>Events are republished as stored (no upcasting): listeners upcast what they receive.</li>
 * </ul>
 *
 * <p>Defaults: batch size 10 (the SQS and EventBridge batch limit), no rate limit, one segment at
 * a time ({@code parallelism} 1), no checkpoints, system time.
 */
public final class Replayer {
    private final ReplaySettings settings;

    private Replayer(Builder b) {
        this.settings = new ReplaySettings(b.store, b.scanSource, b.sink, b.batchSize, b.rate, b.parallelism,
                b.checkpointStore, b.replayId, b.progress, b.nanoTime, b.sleeper);
    }

    public static Builder builder(EventStore store) {
        return new Builder(store);
    }

    /** Republishes the selection, resuming from the checkpoint when there is one. */
    public ReplayReport run(ReplaySelector selector) {
        if (settings.sink() == null) {
            throw new InvalidInputException("sink", "a replay needs a sink; use dryRun to count only");
        }
        return new ReplayRun(settings, selector, false).execute();
    }

    /** Counts what {@link #run} would publish, from the selection's start. */
    public ReplayReport dryRun(ReplaySelector selector) {
        return new ReplayRun(settings, selector, true).execute();
    }

    /** Builds a {@link Replayer}; values are checked at {@link #build()}. */
    public static final class Builder {
        private final EventStore store;
        private ScanSource scanSource;
        private ReplaySink sink;
        private int batchSize = 10;
        private double rate;
        private int parallelism = 1;
        private ReplayCheckpointStore checkpointStore;
        private String replayId;
        private Consumer<ReplayProgress> progress;
        private LongSupplier nanoTime = System::nanoTime;
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder(EventStore store) {
            this.store = Checks.notNull(store, "store");
        }

        /** Needed for {@link ReplaySelector.TypeAndTime}. */
        public Builder scanSource(ScanSource v) {
            this.scanSource = Checks.notNull(v, "scanSource");
            return this;
        }

        public Builder sink(ReplaySink v) {
            this.sink = Checks.notNull(v, "sink");
            return this;
        }

        /** Events per sink call, 1..10 (what one SQS or EventBridge batch takes). */
        public Builder batchSize(int v) {
            this.batchSize = v;
            return this;
        }

        /** At most this many events per second, across all segments; 0 for no limit. */
        public Builder rateLimit(double eventsPerSecond) {
            this.rate = eventsPerSecond;
            return this;
        }

        /** How many scan segments run at once. */
        public Builder parallelism(int v) {
            this.parallelism = v;
            return this;
        }

        /** Saves the position after every batch under {@code replayId}, and resumes from it. */
        public Builder checkpoints(ReplayCheckpointStore store, String replayId) {
            this.checkpointStore = Checks.notNull(store, "store");
            this.replayId = Keys.requireNonBlank("replayId", replayId);
            return this;
        }

        /** Called after every batch, one call at a time. */
        public Builder progress(Consumer<ReplayProgress> v) {
            this.progress = Checks.notNull(v, "progress");
            return this;
        }

        /** The time source of the rate limit and of elapsed times. */
        public Builder nanoTime(LongSupplier v) {
            this.nanoTime = Checks.notNull(v, "nanoTime");
            return this;
        }

        public Builder sleeper(Sleeper v) {
            this.sleeper = Checks.notNull(v, "sleeper");
            return this;
        }

        public Replayer build() {
            if (batchSize < 1 || batchSize > 10) {
                throw new InvalidInputException("batchSize", "must be in 1..10, was " + batchSize);
            }
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new InvalidInputException("rateLimit", "must be 0 (none) or a positive number, was " + rate);
            }
            if (parallelism < 1) {
                throw new InvalidInputException("parallelism", "must be at least 1, was " + parallelism);
            }
            return new Replayer(this);
        }
    }
}
