package dev.eventfold.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A one-line progress display on stderr, redrawn in place: count, rate and, when the total is
 * known, a bar, a percentage and the time left. Redraws at most ten times a second.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.start(err, "replay", OptionalLong.of(500), System::nanoTime);
 * bar.update(120);            // [#####...............]  120/500  24%  310/s  ETA 0:01
 * bar.finish(500);
 * }</pre>
 *
 * {@link #none()} draws nothing: commands use it when stderr is not a terminal and
 * {@code --progress} was not given.
 */
class ProgressBar {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String label;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private OptionalLong total;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;

    private ProgressBar(PrintWriter err, String label, OptionalLong total, LongSupplier nanoTime) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime == null ? 0 : nanoTime.getAsLong();
    }

    static ProgressBar start(PrintWriter err, String label, OptionalLong total, LongSupplier nanoTime) {
        return new ProgressBar(Objects.requireNonNull(err, "err"), label, Objects.requireNonNull(total, "total"),
                Objects.requireNonNull(nanoTime, "nanoTime"));
    }

    /** A bar for a command: drawn when stderr is a terminal or {@code --progress} was given. */
    static ProgressBar forCommand(PrintWriter err, CliEnvironment env, CommonOptions options, String label,
                                  OptionalLong total) {
        return env.terminal() || options.progress ? start(err, label, total, System::nanoTime) : none();
    }

    static ProgressBar none() {
        return new ProgressBar(null, "", OptionalLong.empty(), null) {
            @Override
            synchronized void update(long done) {
            }

            @Override
            synchronized void finish(long done) {
            }
        };
    }

    synchronized void total(OptionalLong value) {
        this.total = value;
    }

    synchronized void update(long done) {
        long now = nanoTime.getAsLong();
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        draw(render(done, now - startNanos), false);
    }

    /** Draws the final state and ends the line. */
    synchronized void finish(long done) {
        draw(render(done, nanoTime.getAsLong() - startNanos), true);
    }

    private void draw(String line, boolean last) {
        // Pad over the previous line's leftovers: it is redrawn in place with a carriage return.
        String padded = line.length() < lastLength ? line + " ".repeat(lastLength - line.length()) : line;
        lastLength = line.length();
        err.print("\r" + padded + (last ? System.lineSeparator() : ""));
        err.flush();
    }

    /** The line for {@code done} items after {@code elapsedNanos}. */
    String render(long done, long elapsedNanos) {
        double rate = elapsedNanos <= 0 ? 0 : done * 1e9 / elapsedNanos;
        StringBuilder sb = new StringBuilder(label).append("  ");
        if (total.isPresent() && total.getAsLong() > 0) {
            long t = total.getAsLong();
            double fraction = Math.min(1.0, (double) done / t);
            int filled = (int) Math.round(fraction * WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("]  ")
                    .append(done).append('/').append(t)
                    .append(String.format(Locale.ROOT, "  %3d%%", (int) Math.floor(fraction * 100)))
                    .append(String.format(Locale.ROOT, "  %.0f/s", rate));
            if (done >= t) {
                sb.append("  done in ").append(clock(elapsedNanos / 1_000_000_000L));
            } else if (rate > 0) {
                sb.append("  ETA ").append(clock((long) Math.ceil((t - done) / rate)));
            }
        } else {
            sb.append(done).append(String.format(Locale.ROOT, "  %.0f/s", rate))
                    .append("  ").append(clock(elapsedNanos / 1_000_000_000L));
        }
        return sb.toString();
    }

    private static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
