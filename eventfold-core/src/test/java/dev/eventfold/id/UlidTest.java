package dev.eventfold.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UlidTest {

    /** A clock whose millisecond the test sets. */
    static final class ManualClock extends Clock {
        final AtomicLong millis;

        ManualClock(long start) {
            millis = new AtomicLong(start);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Nested
    class Format {
        @Test
        void an_event_id_is_evt_and_26_characters_of_crockford_base32() {
            String id = new UlidGenerator().nextEventId();

            assertThat(id).hasSize(30).startsWith("evt-");
            assertThat(id.substring(4)).matches("[0-7][0-9A-HJKMNP-TV-Z]{25}");
            assertThat(Ulid.isEventId(id)).isTrue();
        }

        @Test
        void the_text_form_parses_back_to_the_same_value() {
            Ulid u = Ulid.of(1_764_259_559_123L, 0xBEEF, 0x0123456789ABCDEFL);

            assertThat(Ulid.parse(u.toString())).isEqualTo(u);
            assertThat(Ulid.parse(u.toString().toLowerCase())).isEqualTo(u);
            assertThat(u.timestamp()).isEqualTo(1_764_259_559_123L);
        }

        @Test
        void the_timestamp_is_the_first_ten_characters() {
            Ulid zero = Ulid.of(0, 0, 0);
            Ulid max = Ulid.of(Ulid.MAX_TIMESTAMP, 0xFFFF, -1L);

            assertThat(zero.toString()).isEqualTo("00000000000000000000000000");
            assertThat(max.toString()).isEqualTo("7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
            assertThat(Ulid.parse("01J9Z3K8Q4W5X6Y7Z8A9B0C1D2").toString()).isEqualTo("01J9Z3K8Q4W5X6Y7Z8A9B0C1D2");
        }

        @Test
        void text_order_is_value_order() {
            SplittableRandom r = new SplittableRandom(7);
            List<Ulid> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ids.add(Ulid.of(r.nextLong(Ulid.MAX_TIMESTAMP), r.nextInt(), r.nextLong()));
            }
            List<Ulid> byValue = ids.stream().sorted().toList();
            List<Ulid> byText = ids.stream().sorted((a, b) -> a.toString().compareTo(b.toString())).toList();

            assertThat(byText).isEqualTo(byValue);
        }

        @Test
        void malformed_text_is_refused() {
            assertThatThrownBy(() -> Ulid.parse("01J9Z3K8Q4")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Ulid.parse("81J9Z3K8Q4W5X6Y7Z8A9B0C1D2")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("position 0");
            assertThatThrownBy(() -> Ulid.parse("01J9Z3K8Q4W5X6Y7Z8A9B0C1DU")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("position 25");
            assertThat(Ulid.isEventId("evt-123")).isFalse();
            assertThat(Ulid.isEventId("01J9Z3K8Q4W5X6Y7Z8A9B0C1D2")).isFalse();
        }

        @Test
        void a_timestamp_beyond_48_bits_is_refused() {
            assertThatThrownBy(() -> Ulid.of(Ulid.MAX_TIMESTAMP + 1, 0, 0)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Ulid.of(-1, 0, 0)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class Monotonicity {
        @Test
        void ids_of_one_millisecond_are_consecutive() {
            ManualClock clock = new ManualClock(1_000);
            UlidGenerator g = new UlidGenerator(clock, () -> new SplittableRandom(1));

            Ulid a = g.next();
            Ulid b = g.next();
            Ulid c = g.next();

            assertThat(b).isEqualTo(a.increment());
            assertThat(c).isEqualTo(b.increment());
            assertThat(List.of(a.toString(), b.toString(), c.toString())).isSorted();
        }

        @Test
        void a_new_millisecond_draws_new_random_bits() {
            ManualClock clock = new ManualClock(1_000);
            UlidGenerator g = new UlidGenerator(clock, () -> new SplittableRandom(1));
            Ulid a = g.next();
            clock.millis.set(1_001);

            Ulid b = g.next();

            assertThat(b.timestamp()).isEqualTo(1_001);
            assertThat(b).isNotEqualTo(a.increment()).isGreaterThan(a);
        }

        @Test
        void ids_keep_increasing_when_the_clock_steps_back() {
            ManualClock clock = new ManualClock(5_000);
            UlidGenerator g = new UlidGenerator(clock, () -> new SplittableRandom(1));
            Ulid a = g.next();
            clock.millis.set(4_000);

            Ulid b = g.next();

            assertThat(b).isGreaterThan(a);
            assertThat(b.timestamp()).isEqualTo(5_000);
        }

        @Test
        void all_random_bits_set_carries_into_the_next_millisecond() {
            Ulid last = Ulid.of(1_000, 0xFFFF, -1L);

            Ulid next = last.increment();

            assertThat(next.timestamp()).isEqualTo(1_001);
            assertThat(next).isGreaterThan(last);
            assertThat(next.toString().compareTo(last.toString())).isPositive();
        }

        @Test
        void ids_are_unique_across_threads_and_increasing_within_each() throws Exception {
            UlidGenerator g = new UlidGenerator();
            int threads = 8;
            int perThread = 5_000;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<List<Ulid>>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        List<Ulid> mine = new ArrayList<>(perThread);
                        for (int i = 0; i < perThread; i++) {
                            mine.add(g.next());
                        }
                        return mine;
                    }));
                }
                start.countDown();
                Set<Ulid> all = ConcurrentHashMap.newKeySet();
                for (Future<List<Ulid>> f : futures) {
                    List<Ulid> mine = f.get();
                    assertThat(mine).isSorted().doesNotHaveDuplicates();
                    all.addAll(mine);
                }
                assertThat(all).hasSize(threads * perThread);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class Randomness {
        @Test
        void the_random_source_is_obtained_on_the_first_id_not_when_built() {
            AtomicInteger obtained = new AtomicInteger();
            UlidGenerator g = new UlidGenerator(new ManualClock(1), () -> {
                obtained.incrementAndGet();
                return new SplittableRandom(3);
            });
            assertThat(obtained).hasValue(0);

            g.next();
            g.next();

            assertThat(obtained).hasValue(1);
        }

        @Test
        void after_reseed_a_fresh_source_is_obtained() {
            AtomicInteger obtained = new AtomicInteger();
            ManualClock clock = new ManualClock(1);
            UlidGenerator g = new UlidGenerator(clock, () -> {
                obtained.incrementAndGet();
                return new SplittableRandom(obtained.get());
            });
            g.next();

            g.reseed();
            clock.millis.set(2);
            g.next();

            assertThat(obtained).hasValue(2);
        }

        @Test
        void generators_starting_in_the_same_millisecond_draw_different_bits() {
            // As two instances restored from one snapshot would: same clock, randomness obtained afresh.
            ManualClock clock = new ManualClock(10);
            Set<String> seen = new HashSet<>();
            for (int instance = 0; instance < 2; instance++) {
                UlidGenerator g = new UlidGenerator(clock, java.security.SecureRandom::new);
                seen.add(g.next().toString());
            }
            assertThat(seen).hasSize(2);
        }

        @Test
        void the_shared_generator_is_one_per_process() {
            assertThat(UlidGenerator.shared()).isSameAs(UlidGenerator.shared());
        }
    }
}
