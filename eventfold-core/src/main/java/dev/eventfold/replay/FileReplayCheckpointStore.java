package dev.eventfold.replay;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Replay checkpoints as JSON files {@code <dir>/<replayId>.json}, replaced atomically on save.
 *
 * <pre>{@code
 * new FileReplayCheckpointStore(Path.of(".eventfold/replays"))
 * }</pre>
 */
public final class FileReplayCheckpointStore implements ReplayCheckpointStore {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Path dir;

    public FileReplayCheckpointStore(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public Optional<ReplayCheckpoint> load(String replayId) {
        Path f = file(replayId);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ReplayCheckpoint.fromJson(EventJson.parse(Files.readString(f, StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read replay checkpoint " + f, e);
        }
    }

    @Override
    public void save(String replayId, ReplayCheckpoint checkpoint) {
        Path f = file(replayId);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, replayId, ".tmp");
            Files.writeString(tmp, EventJson.write(checkpoint.toJson()), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write replay checkpoint " + f, e);
        }
    }

    @Override
    public void delete(String replayId) {
        try {
            Files.deleteIfExists(file(replayId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete replay checkpoint of " + replayId, e);
        }
    }

    private Path file(String replayId) {
        if (replayId == null || !SAFE_ID.matcher(replayId).matches()) {
            throw new InvalidInputException("replayId", "use 1 to 100 of [A-Za-z0-9._-]");
        }
        return dir.resolve(replayId + ".json");
    }
}
