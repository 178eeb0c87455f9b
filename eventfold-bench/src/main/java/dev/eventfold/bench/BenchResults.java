package dev.eventfold.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the harnesses write their results: {@code bench/results/} of the repository, found from
 * {@code EVENTFOLD_ROOT} or else the working directory, whichever parent holds {@code eventfold-core}
 * and a {@code pom.xml} (so that a harness started from a module directory writes to the same place).
 *
 * <pre>{@code
 * Path written = BenchResults.write("process.md", markdown);
 * }</pre>
 */
public final class BenchResults {
    private BenchResults() {
    }

    public static Path dir() {
        String root = System.getenv("EVENTFOLD_ROOT");
        Path dir = root != null && !root.isBlank() ? Path.of(root) : Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("eventfold-core")) && Files.exists(p.resolve("pom.xml"))) {
                return p.resolve("bench/results");
            }
        }
        return dir.resolve("bench/results");
    }

    /** Writes {@code text} to {@code fileName} in {@link #dir()}, creating the directory; returns the file. */
    public static Path write(String fileName, String text) throws IOException {
        Path dir = dir();
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(fileName), text, StandardCharsets.UTF_8);
    }
}
