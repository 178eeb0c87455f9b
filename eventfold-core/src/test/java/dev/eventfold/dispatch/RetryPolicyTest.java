package dev.eventfold.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.InvalidInputException;
import dev.eventfold.internal.retry.Backoff;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Nested
    class FullJitter {
        final Backoff.FullJitterExponential backoff =
                new Backoff.FullJitterExponential(Duration.ofMillis(5), Duration.ofMillis(100));

        @Test
        void the_ceiling_doubles_from_the_base_up_to_the_cap() {
            assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(5));
            assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(10));
            assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(80));
            assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(100));
            assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofMillis(100));
        }

        @Test
        void every_delay_lies_between_zero_and_the_ceiling_and_they_spread() {
            SplittableRandom random = new SplittableRandom(11);
            for (int retry = 1; retry <= 70; retry++) {
                long min = Long.MAX_VALUE;
                long max = 0;
                for (int i = 0; i < 200; i++) {
                    long d = backoff.delay(retry, random).toNanos();
                    assertThat(d).isBetween(0L, backoff.ceiling(retry).toNanos());
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
                // Full jitter: the whole range is used, not a narrow band around the ceiling.
                assertThat(min).isLessThan(backoff.ceiling(retry).toNanos() / 4);
                assertThat(max).isGreaterThan(backoff.ceiling(retry).toNanos() * 3 / 4);
            }
        }

        @Test
        void a_cap_below_the_base_is_refused() {
            assertThatThrownBy(() -> Backoff.fullJitterExponential(Duration.ofMillis(10), Duration.ofMillis(5)))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("cap");
            assertThatThrownBy(() -> Backoff.fullJitterExponential(Duration.ZERO, Duration.ofMillis(5)))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("base");
        }
    }

    @Nested
    class Exponential {
        @Test
        void the_reference_policy_waits_one_second_growing_by_half_up_to_ten() {
            Backoff b = RetryPolicy.reference().backoff();
            SplittableRandom r = new SplittableRandom(1);

            assertThat(b.delay(1, r)).isEqualTo(Duration.ofMillis(1000));
            assertThat(b.delay(2, r)).isEqualTo(Duration.ofMillis(1500));
            assertThat(b.delay(3, r)).isEqualTo(Duration.ofMillis(2250));
            assertThat(b.delay(6, r).toMillis()).isEqualTo(7593);
            assertThat(b.delay(7, r)).isEqualTo(Duration.ofSeconds(10));
            assertThat(b.delay(500, r)).isEqualTo(Duration.ofSeconds(10));
        }

        @Test
        void a_multiplier_below_one_is_refused() {
            assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("multiplier");
            assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(1), Double.NaN, Duration.ofSeconds(1)))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class Policy {
        @Test
        void the_defaults_retry_conflicts_and_transient_errors_from_milliseconds() {
            RetryPolicy p = RetryPolicy.defaults();

            assertThat(p.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
            assertThat(p.retryConflicts()).isTrue();
            assertThat(p.retryTransientErrors()).isTrue();
            assertThat(p.rereadHead()).isFalse();
            assertThat(((Backoff.FullJitterExponential) p.backoff()).base()).isEqualTo(Duration.ofMillis(5));
        }

        @Test
        void the_reference_policy_makes_six_attempts_and_rereads_the_head() {
            assertThat(RetryPolicy.reference().maxAttempts()).isEqualTo(6);
            assertThat(RetryPolicy.reference().rereadHead()).isTrue();
        }

        @Test
        void bad_values_are_refused_when_built() {
            assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("maxAttempts");
            assertThatThrownBy(() -> RetryPolicy.custom().fullJitterBackoff(null, Duration.ofMillis(5)).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("backoff");
        }

        @Test
        void a_variant_starts_from_its_base() {
            RetryPolicy base = RetryPolicy.custom().maxAttempts(3).noBackoff().build();

            RetryPolicy variant = RetryPolicy.from(base).retryConflicts(false).build();

            assertThat(variant).isEqualTo(RetryPolicy.custom().maxAttempts(3).noBackoff().retryConflicts(false)
                    .retryTransientErrors(true).rereadHead(false).build());
            assertThat(base.retryConflicts()).isTrue();
        }
    }
}
