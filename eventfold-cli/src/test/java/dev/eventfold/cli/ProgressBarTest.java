package dev.eventfold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void with_a_total_it_shows_a_bar_the_count_the_rate_and_the_time_left() {
        ProgressBar bar = ProgressBar.start(new PrintWriter(new StringWriter()), "replay", OptionalLong.of(400), () -> 0);
        assertThat(bar.render(100, 2 * SECOND))
                .isEqualTo("replay  [######..................]  100/400   25%  50/s  ETA 0:06");
        assertThat(bar.render(400, 8 * SECOND)).contains("400/400", "100%", "done in 0:08");
    }

    @Test
    void without_a_total_it_shows_the_count_the_rate_and_the_time_so_far() {
        ProgressBar bar = ProgressBar.start(new PrintWriter(new StringWriter()), "verify", OptionalLong.empty(), () -> 0);
        assertThat(bar.render(1500, 3 * SECOND)).isEqualTo("verify  1500  500/s  0:03");
    }

    @Test
    void it_redraws_in_place_at_most_ten_times_a_second_and_ends_the_line_when_finished() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = ProgressBar.start(new PrintWriter(text), "verify", OptionalLong.empty(), now::get);
        bar.update(1);
        now.addAndGet(SECOND / 20);
        bar.update(2); // too soon: not drawn
        now.addAndGet(SECOND);
        bar.update(3);
        bar.finish(4);
        assertThat(text.toString().split("\r", -1)).hasSize(4);
        assertThat(text.toString()).contains("verify  1 ", "verify  3 ", "verify  4 ").doesNotContain("verify  2 ")
                .endsWith(System.lineSeparator());
    }

    @Test
    void none_draws_nothing() {
        ProgressBar.none().update(5);
        ProgressBar.none().finish(5);
    }
}
