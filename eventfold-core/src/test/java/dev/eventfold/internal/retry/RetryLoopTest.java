package dev.eventfold.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.Sleeper;
import dev.eventfold.dispatch.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RetryLoopTest {
    /** A clock that only the sleeper moves. */
    final AtomicLong nanos = new AtomicLong();
    final List<Duration> slept = new ArrayList<>();
    final Sleeper sleeper = d -> {
        slept.add(d);
        nanos.addAndGet(d.toNanos());
    };

    @Nested
    class TimeBudget {
        @Test
        void no_attempt_starts_after_the_budget_and_the_last_pause_ends_with_it() {
            RetryLoop loop = new RetryLoop(1000, Duration.ofMillis(250), Backoff.exponential(Duration.ofMillis(100), 1.0,
                    Duration.ofMillis(100)), sleeper, () -> null, nanos::get);
            List<Boolean> lasts = new ArrayList<>();
            RuntimeException failure = new RuntimeException("conflict");

            assertThatThrownBy(() -> loop.run((attempt, last) -> {
                lasts.add(last);
                if (last) {
                    throw failure;
                }
                return RetryLoop.Step.again(failure);
            })).isSameAs(failure);

            // Attempts at 0, 100 and 200 ms; the pause after the third is cut to the 50 ms left; the
            // fourth, at 250 ms, is the last.
            assertThat(lasts).containsExactly(false, false, false, true);
            assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(50));
        }

        @Test
        void an_attempt_again_now_does_not_pause_but_counts() {
            RetryLoop loop = new RetryLoop(3, null, Backoff.exponential(Duration.ofMillis(10), 2, Duration.ofSeconds(1)),
                    sleeper, () -> null, nanos::get);
            List<Integer> attempts = new ArrayList<>();

            String r = loop.run((attempt, last) -> {
                attempts.add(attempt);
                return attempt < 3 ? RetryLoop.Step.againNow() : RetryLoop.Step.done("landed");
            });

            assertThat(r).isEqualTo("landed");
            assertThat(attempts).containsExactly(1, 2, 3);
            assertThat(slept).isEmpty();
        }

        @Test
        void a_policy_without_a_positive_budget_is_refused_when_built() {
            assertThatThrownBy(() -> RetryPolicy.custom().timeBudget(Duration.ZERO).build())
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("timeBudget"));
            assertThat(RetryPolicy.defaults().timeBudget()).contains(RetryPolicy.DEFAULT_TIME_BUDGET);
            assertThat(RetryPolicy.reference().timeBudget()).isEmpty();
            assertThat(RetryPolicy.from(RetryPolicy.defaults()).noTimeBudget().build().timeBudget()).isEmpty();
        }
    }
}
