package dev.eventfold.properties;

import dev.eventfold.internal.Utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import dev.eventfold.spi.wire.DynamoItemSize;
import dev.eventfold.internal.retry.Backoff;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Properties of the arithmetic that hides edge cases: sort keys, paging, backoff, sizes. */
class ArithmeticPropertiesTest {

    @Property
    void an_event_sort_key_reads_back_its_version(@ForAll @LongRange(min = 0, max = Keys.MAX_VERSION) long version) {
        assertThat(Keys.versionOf(Keys.eventSk(version))).isEqualTo(version);
        assertThat(Keys.eventSk(version)).hasSize(13);
    }

    @Property
    void sort_keys_order_as_their_versions(@ForAll @LongRange(min = 0, max = Keys.MAX_VERSION) long a,
                                           @ForAll @LongRange(min = 0, max = Keys.MAX_VERSION) long b) {
        assertThat(Integer.signum(Keys.eventSk(a).compareTo(Keys.eventSk(b)))).isEqualTo(Long.signum(a - b));
    }

    @Property(tries = 200)
    void paging_through_any_range_returns_exactly_the_range_in_order(
            @ForAll @IntRange(min = 0, max = 40) int events,
            @ForAll @IntRange(min = 0, max = 45) int after,
            @ForAll @IntRange(min = 0, max = 45) int through,
            @ForAll @IntRange(min = 1, max = 12) int limit) {
        InMemoryEventStore store = new InMemoryEventStore();
        AggregateRef a = AggregateRef.of("prop", "p");
        if (events > 0) {
            store.appendEvents(a, 0, IntStream.rangeClosed(1, events)
                    .mapToObj(i -> NewEvent.builder().eventId("e" + i).eventType("T").build()).toList());
        }
        EventQuery q = EventQuery.of(a).after(after).through(through).limit(limit);

        List<Long> seen = new ArrayList<>();
        Page<EventRecord> page = store.listEvents(q);
        int pages = 1;
        while (true) {
            assertThat(page.data().size()).isLessThanOrEqualTo(limit);
            page.data().forEach(e -> seen.add(e.version()));
            if (!page.hasMore()) {
                break;
            }
            page = store.listEvents(q.continueFrom(page.cursor()));
            pages++;
        }

        List<Long> expected = new ArrayList<>();
        for (long v = after + 1; v <= Math.min(through, events); v++) {
            expected.add(v);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(Math.max(1, (expected.size() + limit - 1) / limit));
    }

    @Property
    void full_jitter_stays_between_zero_and_the_capped_ceiling(
            @ForAll @IntRange(min = 1, max = 200) int retry,
            @ForAll @LongRange(min = 1, max = 10_000) long baseMillis,
            @ForAll @LongRange(min = 0, max = 100_000) long extraCapMillis,
            @ForAll long seed) {
        Duration base = Duration.ofMillis(baseMillis);
        Duration cap = base.plusMillis(extraCapMillis);
        Backoff.FullJitterExponential backoff = new Backoff.FullJitterExponential(base, cap);

        Duration ceiling = backoff.ceiling(retry);
        Duration delay = backoff.delay(retry, new Random(seed));

        assertThat(ceiling).isLessThanOrEqualTo(cap).isPositive();
        assertThat(delay).isBetween(Duration.ZERO, ceiling);
        if (retry > 1) {
            assertThat(ceiling).isGreaterThanOrEqualTo(backoff.ceiling(retry - 1));
        }
    }

    @Property
    void utf8_sizes_equal_the_encoded_length(@ForAll String text) {
        assertThat(Utf8.length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
}
