package dev.eventfold.replay;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persists replay checkpoints by replay id. {@link #inMemory()} here; a CLI keeps them in a file
 * ({@link FileReplayCheckpointStore}).
 */
public interface ReplayCheckpointStore {

    Optional<ReplayCheckpoint> load(String replayId);

    void save(String replayId, ReplayCheckpoint checkpoint);

    /** Forgets a finished replay's checkpoint. */
    void delete(String replayId);

    static ReplayCheckpointStore inMemory() {
        Map<String, ReplayCheckpoint> m = new ConcurrentHashMap<>();
        return new ReplayCheckpointStore() {
            @Override
            public Optional<ReplayCheckpoint> load(String replayId) {
                return Optional.ofNullable(m.get(replayId));
            }

            @Override
            public void save(String replayId, ReplayCheckpoint checkpoint) {
                m.put(replayId, checkpoint);
            }

            @Override
            public void delete(String replayId) {
                m.remove(replayId);
            }
        };
    }
}
