package dev.eventfold.testkit.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts K {@link FleetWriter} JVMs ({@code java} of {@code java.home}, this JVM's class path),
 * releases them together once all are warmed up, optionally kills one with SIGKILL
 * ({@link Process#destroyForcibly()}) once its ack file has M lines and restarts it to resubmit
 * every item it never acknowledged, waits for all of them within a deadline, and collects exit
 * codes, ack files and summaries. Closing it kills whatever still runs (also on a failed test).
 *
 * <pre>{@code
 * try (Fleet fleet = Fleet.builder().workDir(dir).processes(4).dispatchesPerProcess(30)
 *         .writerArgs(List.of("--endpoint=" + proxy.endpoint(), "--table=" + table,
 *                 "--store-factory=" + MyStores.class.getName(), "--aggregates=3"))
 *         .killAfterAcks(1, 10).deadline(Duration.ofSeconds(45)).build()) {
 *     FleetResult result = fleet.run();
 *     result.exitCodesOk(); result.acks(); result.giveUps();
 * }
 * }</pre>
 */
public final class Fleet implements AutoCloseable {
    private final Builder config;
    private final List<FleetResult.Run> runs = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread reaper = new Thread(this::killAll, "fleet-reaper");
    private boolean ran;

    private Fleet(Builder b) {
        this.config = b;
        // A test JVM that dies (or is interrupted) must not leave writers hammering moto.
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the fleet to completion (or the deadline) and returns what every process left behind. */
    public FleetResult run() throws InterruptedException {
        if (ran) {
            throw new IllegalStateException("a Fleet runs once: build another one (with a fresh workDir)");
        }
        ran = true;
        long start = System.nanoTime();
        long deadline = start + config.deadline.toNanos();
        Path go = config.workDir.resolve("go");
        List<Started> first = new ArrayList<>();
        for (int p = 0; p < config.processes; p++) {
            first.add(start(p, false, List.of()));
        }
        awaitReady(first, Math.min(deadline, System.nanoTime() + config.readyTimeout.toNanos()));
        try {
            Files.writeString(go, "go");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long goAt = System.currentTimeMillis();
        List<Started> running = new ArrayList<>(first);
        List<Started> finished = new ArrayList<>();
        boolean killed = false;
        boolean timedOut = false;
        List<Integer> resubmitted = List.of();
        while (!running.isEmpty()) {
            if (System.nanoTime() > deadline) {
                timedOut = true;
                for (Started s : running) {
                    s.process.destroyForcibly();
                    s.process.waitFor(5, TimeUnit.SECONDS);
                    s.timedOut = true;
                }
                finished.addAll(running);
                running.clear();
                break;
            }
            if (config.killProcess >= 0 && !killed) {
                Started target = first.get(config.killProcess);
                if (target.process.isAlive() && AckLog.lines(target.ack) >= config.killAfterAcks) {
                    target.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
                    target.process.waitFor(10, TimeUnit.SECONDS);
                    target.killed = true;
                    killed = true;
                    resubmitted = unacknowledged(target);
                    if (!resubmitted.isEmpty()) {
                        running.add(start(config.killProcess, true, resubmitted));
                    }
                }
            }
            for (var it = running.iterator(); it.hasNext(); ) {
                Started s = it.next();
                if (!s.process.isAlive()) {
                    finished.add(s);
                    it.remove();
                }
            }
            Thread.sleep(10);
        }
        long wallMs = System.currentTimeMillis() - goAt;
        for (Started s : finished) {
            runs.add(new FleetResult.Run(s.index, s.resubmit, s.timedOut ? -1 : s.process.exitValue(), s.killed,
                    s.timedOut, s.ack, s.log, FleetWriter.readSummary(s.summary)));
        }
        runs.sort((a, b) -> a.process() != b.process() ? Integer.compare(a.process(), b.process())
                : Boolean.compare(a.resubmit(), b.resubmit()));
        return new FleetResult(List.copyOf(runs), killed, resubmitted, timedOut, goAt, wallMs);
    }

    /** Items 0..count-1 of the killed process without an ack line (give-ups and the torn line included). */
    private List<Integer> unacknowledged(Started killed) {
        Set<Integer> acked = new HashSet<>();
        for (AckLog.Ack a : AckLog.read(killed.ack).acks()) {
            acked.add(a.n());
        }
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < config.dispatchesPerProcess; n++) {
            if (!acked.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private Started start(int index, boolean resubmit, List<Integer> items) {
        String name = "w" + index + (resubmit ? "-resubmit" : "");
        Path dir = config.workDir;
        Started s = new Started(index, resubmit, dir.resolve(name + ".ack"), dir.resolve(name + ".summary"),
                dir.resolve(name + ".ready"), dir.resolve(name + ".log"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(config.javaOptions);
        cmd.add("-Dsun.net.http.retryPost=false"); // see FleetWriter.main
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FleetWriter.class.getName());
        cmd.addAll(config.writerArgs);
        cmd.addAll(config.perProcessArgs.apply(index));
        cmd.add("--process=" + index);
        cmd.add("--count=" + config.dispatchesPerProcess);
        cmd.add("--ack=" + s.ack);
        cmd.add("--summary=" + s.summary);
        cmd.add("--ready=" + s.ready);
        cmd.add("--go=" + dir.resolve("go"));
        cmd.add("--deadline-ms=" + config.writerDeadline.toMillis());
        if (resubmit) {
            cmd.add("--items=" + items.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        try {
            s.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(s.log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + cmd.get(0), e);
        }
        synchronized (processes) {
            processes.add(s.process);
        }
        return s;
    }

    private void awaitReady(List<Started> started, long until) throws InterruptedException {
        while (true) {
            boolean all = true;
            for (Started s : started) {
                if (!s.process.isAlive() && !Files.exists(s.ready)) {
                    throw new IllegalStateException("writer " + s.index + " exited with " + s.process.exitValue()
                            + " before it was ready:\n" + tail(s.log));
                }
                all &= Files.exists(s.ready);
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > until) {
                killAll();
                throw new IllegalStateException("writers not ready within " + config.readyTimeout + "; first log:\n"
                        + tail(started.get(0).log));
            }
            Thread.sleep(10);
        }
    }

    static String tail(Path log) {
        try {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    private void killAll() {
        synchronized (processes) {
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Kills every writer still running and waits a little for them to go. */
    @Override
    public void close() {
        killAll();
        synchronized (processes) {
            for (Process p : processes) {
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }

    private static final class Started {
        final int index;
        final boolean resubmit;
        final Path ack;
        final Path summary;
        final Path ready;
        final Path log;
        Process process;
        boolean killed;
        boolean timedOut;

        Started(int index, boolean resubmit, Path ack, Path summary, Path ready, Path log) {
            this.index = index;
            this.resubmit = resubmit;
            this.ack = ack;
            this.summary = summary;
            this.ready = ready;
            this.log = log;
        }
    }

    /** Configures a {@link Fleet}; checked in {@link #build()}. */
    public static final class Builder {
        private Path workDir;
        private int processes;
        private int dispatchesPerProcess;
        private List<String> writerArgs = List.of();
        private java.util.function.IntFunction<List<String>> perProcessArgs = p -> List.of();
        private List<String> javaOptions = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx192m", "-Xss512k");
        private int killProcess = -1;
        private int killAfterAcks;
        private Duration deadline = Duration.ofSeconds(60);
        private Duration writerDeadline;
        private Duration readyTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Where ack, summary, log and marker files go; must exist and be empty of an earlier run's "go". */
        public Builder workDir(Path v) {
            this.workDir = v;
            return this;
        }

        public Builder processes(int v) {
            this.processes = v;
            return this;
        }

        public Builder dispatchesPerProcess(int v) {
            this.dispatchesPerProcess = v;
            return this;
        }

        /** Arguments every writer gets ({@code --endpoint}, {@code --table}, {@code --store-factory}, ...). */
        public Builder writerArgs(List<String> v) {
            this.writerArgs = List.copyOf(v);
            return this;
        }

        /** Extra arguments for writer {@code p}. */
        public Builder perProcessArgs(java.util.function.IntFunction<List<String>> v) {
            this.perProcessArgs = Objects.requireNonNull(v, "perProcessArgs");
            return this;
        }

        /** JVM options of each writer; default: small heap, serial GC, C1 only (fast start on a busy machine). */
        public Builder javaOptions(List<String> v) {
            this.javaOptions = List.copyOf(v);
            return this;
        }

        /** Kill writer {@code process} with SIGKILL once its ack file has {@code lines} lines, and restart it to resubmit. */
        public Builder killAfterAcks(int process, int lines) {
            this.killProcess = process;
            this.killAfterAcks = lines;
            return this;
        }

        /** The whole run, start-up included; writers still running then are killed. Default 60 s. */
        public Builder deadline(Duration v) {
            this.deadline = v;
            return this;
        }

        /** Each writer's own deadline (it stops dispatching and exits 4). Default: the fleet's deadline less 5 s. */
        public Builder writerDeadline(Duration v) {
            this.writerDeadline = v;
            return this;
        }

        public Builder readyTimeout(Duration v) {
            this.readyTimeout = v;
            return this;
        }

        public Fleet build() {
            if (workDir == null || !Files.isDirectory(workDir)) {
                throw new IllegalArgumentException("workDir must be an existing directory, was " + workDir);
            }
            if (Files.exists(workDir.resolve("go"))) {
                throw new IllegalArgumentException(workDir + " holds the go file of an earlier run: use a fresh directory");
            }
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be at least 1, was " + processes);
            }
            if (dispatchesPerProcess < 1) {
                throw new IllegalArgumentException("dispatchesPerProcess must be at least 1, was " + dispatchesPerProcess);
            }
            if (killProcess >= processes) {
                throw new IllegalArgumentException("cannot kill writer " + killProcess + " of " + processes);
            }
            if (killProcess >= 0 && (killAfterAcks < 1 || killAfterAcks >= dispatchesPerProcess)) {
                throw new IllegalArgumentException("killAfterAcks must be between 1 and " + (dispatchesPerProcess - 1)
                        + " so the kill happens partway, was " + killAfterAcks);
            }
            if (deadline == null || deadline.compareTo(Duration.ofSeconds(5)) < 0) {
                throw new IllegalArgumentException("deadline must be at least 5 s, was " + deadline);
            }
            if (writerDeadline == null) {
                writerDeadline = deadline.minusSeconds(5);
            }
            for (String a : writerArgs) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (Set.of("--process", "--count", "--ack", "--summary", "--ready", "--go", "--items", "--deadline-ms")
                        .contains(name)) {
                    throw new IllegalArgumentException(name + " is set by the fleet for each writer; leave it out of writerArgs");
                }
            }
            return new Fleet(this);
        }
    }
}
