package dev.eventfold.replay;

import dev.eventfold.core.Sleeper;
import dev.eventfold.store.EventStore;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** What a {@link Replayer} was configured with, as its runs read it. */
record ReplaySettings(EventStore store, ScanSource scanSource, ReplaySink sink, int batchSize, double rate,
                      int parallelism, ReplayCheckpointStore checkpointStore, String replayId,
                      Consumer<ReplayProgress> progress, LongSupplier nanoTime, Sleeper sleeper) {
}
