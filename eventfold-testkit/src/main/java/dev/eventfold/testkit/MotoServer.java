package dev.eventfold.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A moto server process on 127.0.0.1 at a free port, serving from a single thread so that
 * DynamoDB transactions are atomic (see {@code docs/emulator-notes.md}).
 *
 * <p>Python is found in this order: {@code EVENTFOLD_MOTO_PYTHON}, then {@code .venv/bin/python}
 * under {@code EVENTFOLD_ROOT} or any parent of the working directory. The test command
 * ({@code ./scripts/test.sh}) creates that venv when it is missing.
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    public static MotoServer start() {
        Path python = findPython();
        try {
            Path script = Files.createTempFile("eventfold-moto-", ".py");
            try (InputStream in = MotoServer.class.getResourceAsStream("moto_single_thread.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            script.toFile().deleteOnExit();
            int port = freePort();
            Path log = Files.createTempFile("eventfold-moto-", ".log");
            Process p = new ProcessBuilder(python.toString(), script.toString(), Integer.toString(port))
                    .redirectError(log.toFile())
                    .start();
            MotoServer server = new MotoServer(p, URI.create("http://127.0.0.1:" + port), log);
            server.awaitReady();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "eventfold-moto-stop"));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start moto with " + python, e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    private void awaitReady() throws IOException {
        // The script prints one line once its socket listens; the port is then accepting. The
        // reader keeps draining stdout afterwards, so the server never blocks on a full pipe.
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                line.complete(r.readLine());
                while (r.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                line.complete(null);
            }
        }, "eventfold-moto-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String ready = line.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("eventfold-moto ready")) {
                throw new IllegalStateException("moto did not start: " + tail());
            }
        } catch (TimeoutException e) {
            closeProcess();
            throw new IllegalStateException("moto did not answer within " + START_TIMEOUT + ": " + tail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting moto");
        } catch (java.util.concurrent.ExecutionException e) {
            close();
            throw new IllegalStateException("moto did not start: " + tail(), e.getCause());
        }
    }

    private String tail() throws IOException {
        String text = Files.readString(log);
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }

    @Override
    public void close() {
        closeProcess();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }

    private void closeProcess() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static Path findPython() {
        String explicit = System.getenv("EVENTFOLD_MOTO_PYTHON");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String root = System.getenv("EVENTFOLD_ROOT");
        if (root != null && Files.isExecutable(Path.of(root, ".venv", "bin", "python"))) {
            return Path.of(root, ".venv", "bin", "python");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".venv/bin/python");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no Python with moto found: run ./scripts/test.sh (it creates .venv), "
                + "or set EVENTFOLD_MOTO_PYTHON, or EVENTFOLD_TEST_ENDPOINT to use a running endpoint");
    }
}
