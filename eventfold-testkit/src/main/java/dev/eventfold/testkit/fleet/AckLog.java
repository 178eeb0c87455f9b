package dev.eventfold.testkit.fleet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The acknowledgement file of one {@link FleetWriter} run: one tab-separated line per landed
 * dispatch ({@code ack}) and per dispatch that gave up ({@code giveup}), written and flushed line
 * by line, so that what a process acknowledged survives its {@code kill -9}. A last line without
 * its newline (torn by the kill) is ignored when reading.
 *
 * <pre>{@code
 * AckLog.Contents c = AckLog.read(Path.of("w1.ack"));
 * c.acks().get(0).eventId();           // "evt-1-0"
 * c.giveUps().get(0).exceptionClass(); // "dev.eventfold.core.ConcurrencyConflictException"
 * }</pre>
 */
public final class AckLog implements AutoCloseable {
    private static final String ACK = "ack";
    private static final String GIVE_UP = "giveup";

    private final BufferedWriter out;

    private AckLog(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file} for appending lines (created when missing). */
    public static AckLog open(Path file) {
        try {
            return new AckLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open ack file " + file, e);
        }
    }

    /** A landed dispatch. */
    public record Ack(int process, int n, String eventId, String aggregateType, String aggregateId, long version,
                      boolean alreadyAppended, int attempts, String idempotencyKey) {
        /** The aggregate's partition key as WIRE.md defines it: {@code AGG#<type>#<id>}. */
        public String pk() {
            return "AGG#" + aggregateType + "#" + aggregateId;
        }
    }

    /** A dispatch that gave up; {@code eventId} is empty when the dispatcher made the id. */
    public record GiveUp(int process, int n, String eventId, String aggregateType, String aggregateId,
                         String exceptionClass, String message) {
    }

    /** What one file holds. */
    public record Contents(List<Ack> acks, List<GiveUp> giveUps) {
        public Contents {
            acks = List.copyOf(acks);
            giveUps = List.copyOf(giveUps);
        }
    }

    public synchronized void ack(Ack a) {
        line(ACK, a.process(), a.n(), a.eventId(), a.aggregateType(), a.aggregateId(), a.version(),
                a.alreadyAppended(), a.attempts(), a.idempotencyKey());
    }

    public synchronized void giveUp(GiveUp g) {
        line(GIVE_UP, g.process(), g.n(), g.eventId(), g.aggregateType(), g.aggregateId(), g.exceptionClass(),
                g.message());
    }

    private void line(Object... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append('\t');
            }
            sb.append(clean(String.valueOf(fields[i])));
        }
        sb.append('\n');
        try {
            out.write(sb.toString());
            out.flush(); // into the kernel now: the line survives a kill -9 of this process
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ack line", e);
        }
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file; an empty result when it does not exist (the process died before its first line). */
    public static Contents read(Path file) {
        List<Ack> acks = new ArrayList<>();
        List<GiveUp> giveUps = new ArrayList<>();
        if (!Files.exists(file)) {
            return new Contents(acks, giveUps);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return new Contents(acks, giveUps);
        }
        for (String line : text.substring(0, end).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                switch (f[0]) {
                    case ACK -> acks.add(new Ack(Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], f[4], f[5],
                            Long.parseLong(f[6]), Boolean.parseBoolean(f[7]), Integer.parseInt(f[8]), f[9]));
                    case GIVE_UP -> giveUps.add(new GiveUp(Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], f[4],
                            f[5], f[6], f.length > 7 ? f[7] : ""));
                    default -> throw new IllegalStateException("unknown line kind");
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("malformed line in " + file + ": " + line, e);
            }
        }
        return new Contents(acks, giveUps);
    }

    /** Complete lines in {@code file} so far (0 when it does not exist). */
    public static int lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            byte[] b = Files.readAllBytes(file);
            int n = 0;
            for (byte x : b) {
                if (x == '\n') {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }
}
