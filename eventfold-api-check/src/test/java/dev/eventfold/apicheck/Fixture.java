package dev.eventfold.apicheck;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** A tiny module compiled on the fly: sources under {@code src/main/java}, classes under {@code target/classes}. */
final class Fixture {
    final Path basedir;
    final Path sources;
    final Path classes;
    final Path apiFile;
    private final Map<String, String> files = new LinkedHashMap<>();

    private Fixture(Path basedir) {
        this.basedir = basedir;
        this.sources = basedir.resolve("src/main/java");
        this.classes = basedir.resolve("target/classes");
        this.apiFile = basedir.resolve("api/fixture.api");
    }

    /** A module in a new directory under {@code parent}; each compiled version needs its own directory. */
    static Fixture in(Path parent, String name) {
        return new Fixture(parent.resolve(name));
    }

    /** Adds (or replaces) the source of a type or package-info: {@code java("dev/eventfold/fixture/A.java", "...")}. */
    Fixture java(String path, String source) {
        files.put(path, source);
        return this;
    }

    Fixture compile() {
        try {
            List<String> args = new ArrayList<>(List.of("--release", "17", "-parameters", "-proc:none", "-d",
                    classes.toString()));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = sources.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
                args.add(p.toString());
            }
            Files.createDirectories(classes);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = javac.run(null, out, out, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("fixture does not compile: " + out);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ClassLoader loader() {
        try {
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, Fixture.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The check of this module against {@code apiFile} (shared between versions by the test). */
    ApiSurfaceCheck.Builder check(Path apiFile) {
        return ApiSurfaceCheck.builder()
                .artifactId("fixture")
                .classesDir(classes)
                .sourceRoots(List.of(sources))
                .apiFile(apiFile)
                .loader(loader())
                .acceptCommand("ACCEPT-COMMAND");
    }

    ApiSurface surface() {
        return ApiSurface.read(classes, loader(), "dev.eventfold");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
