package dev.eventfold.testkit;

import dev.eventfold.spi.wire.Keys;
import dev.eventfold.spi.wire.EventItems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.AppendTooLargeException;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventStore} must have. A store's test extends this class and
 * supplies the store and three hooks; the suite then runs against it unchanged.
 *
 * <pre>{@code
 * class InMemoryEventStoreTest extends EventStoreContract {
 *     ...
 * }
 * }</pre>
 *
 * Every test works on aggregates of its own, so one store (one table) serves the whole class.
 */
public abstract class EventStoreContract {

    /** The store under test. */
    protected abstract EventStore store();

    /** Makes the next append commit, then fail as if its response was lost (a retryable {@link EventStoreException}). */
    protected abstract void loseNextAppendResponse();

    /** Requests sent to the backing service so far (0 forever for a store that sends none). */
    protected abstract long requestsSent();

    /** Items stored in all (events, heads and anything else), to check that a refused input wrote nothing. */
    protected abstract long storedItemCount();

    /**
     * The largest item the backing service accepts, in bytes as DynamoDB counts them. The store
     * itself refuses anything over {@link dev.eventfold.spi.wire.DynamoItemSize#MAX_ITEM_BYTES};
     * an emulator may accept less (moto: 405,000 of its own bytes, see docs/emulator-notes.md).
     */
    protected long largestItemTheServiceAccepts() {
        return dev.eventfold.spi.wire.DynamoItemSize.MAX_ITEM_BYTES;
    }

    // ---------------------------------------------------------------- helpers

    protected static AggregateRef newAggregate(String type) {
        return AggregateRef.of(type, "id-" + UUID.randomUUID());
    }

    protected static NewEvent event(String type, Object payload) {
        return NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType(type).source("contract")
                .payload(payload).build();
    }

    protected static NewEvent event(int n) {
        return event("Counter.Incremented", Map.of("n", n));
    }

    protected List<EventRecord> all(AggregateRef aggregate) {
        return store().readEvents(EventQuery.of(aggregate)).toList();
    }

    protected void appendSequentially(AggregateRef aggregate, int count) {
        for (int i = 1; i <= count; i++) {
            store().appendEvent(aggregate, i - 1, event(i));
        }
    }

    // ---------------------------------------------------------------- append and read

    @Nested
    class Appending {
        @Test
        void the_first_event_gets_version_1_and_the_head_follows() {
            AggregateRef wallet = newAggregate("wallet");
            NewEvent funded = NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType("Wallet.Funded")
                    .source("billing").tenantId("ten_1").correlationId("corr-1").causationId("cause-1")
                    .actorId("user-1").occurredAt("2026-11-27T16:05:59.123Z").payload(Map.of("amount", 5000)).build();

            AppendResult result = store().appendEvent(wallet, 0, funded);

            assertThat(result.version()).isEqualTo(1);
            assertThat(result.firstVersion()).isEqualTo(1);
            assertThat(result.alreadyAppended()).isFalse();
            assertThat(result.pk()).isEqualTo("AGG#wallet#" + wallet.aggregateId());
            assertThat(result.sk()).isEqualTo("EVT#000000001");
            EventRecord stored = store().getEvent(wallet, 1).orElseThrow();
            assertThat(stored.eventId()).isEqualTo(funded.eventId());
            assertThat(stored.eventType()).isEqualTo("Wallet.Funded");
            assertThat(stored.source()).isEqualTo("billing");
            assertThat(stored.tenantId()).isEqualTo("ten_1");
            assertThat(stored.correlationId()).isEqualTo("corr-1");
            assertThat(stored.causationId()).isEqualTo("cause-1");
            assertThat(stored.actorId()).isEqualTo("user-1");
            assertThat(stored.schemaVersion()).isEqualTo(1);
            assertThat(stored.occurredAt()).isEqualTo("2026-11-27T16:05:59.123Z");
            assertThat(stored.payload().get("amount").intValue()).isEqualTo(5000);
            AggregateHead head = store().getHead(wallet).orElseThrow();
            assertThat(head.currentVersion()).isEqualTo(1);
            assertThat(head.lastEventId()).isEqualTo(funded.eventId());
            assertThat(head.lastIdemKey()).isEqualTo(funded.eventId());
            assertThat(head.updatedAt()).isNotBlank();
        }

        @Test
        void absent_optional_attributes_stay_absent_and_a_missing_occurred_at_is_stamped() {
            AggregateRef a = newAggregate("thing");
            NewEvent bare = NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType("Thing.Made").build();

            store().appendEvent(a, 0, bare);

            EventRecord stored = store().getEvent(a, 1).orElseThrow();
            assertThat(stored.source()).isNull();
            assertThat(stored.tenantId()).isNull();
            assertThat(stored.correlationId()).isNull();
            assertThat(stored.payload().isMissingNode()).isTrue();
            assertThat(stored.occurredAtInstant()).isPresent();
        }

        @Test
        void payloads_of_every_json_kind_round_trip_exactly() {
            AggregateRef a = newAggregate("doc");
            ObjectNode payload = (ObjectNode) EventJson.parse("""
                    {"int": 42, "negative": -7, "long": 9007199254740993, "big": 12345678901234567890123456789012345678,
                     "decimal": 2.5, "exact": 0.1000000000000000055511151231257827, "tiny": 1E-120,
                     "text": "héllo ✓ 🎉", "empty": "", "yes": true, "no": false, "nothing": null,
                     "list": [1, "two", [3], {"four": 4}, null], "nested": {"a": {"b": {"c": []}}}, "emptyObject": {}}
                    """);
            store().appendEvent(a, 0, event("Doc.Written", payload));

            JsonNode back = store().getEvent(a, 1).orElseThrow().payload();

            assertThat(back.get("int").isIntegralNumber()).isTrue();
            assertThat(back.get("long").bigIntegerValue()).isEqualTo(new BigInteger("9007199254740993"));
            assertThat(back.get("big").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890123456789012345678"));
            assertThat(back.get("decimal").decimalValue()).isEqualByComparingTo("2.5");
            assertThat(back.get("exact").decimalValue()).isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
            assertThat(back.get("tiny").decimalValue()).isEqualByComparingTo("1E-120");
            assertThat(back.get("text").textValue()).isEqualTo("héllo ✓ 🎉");
            assertThat(back.get("empty").textValue()).isEmpty();
            assertThat(back.get("nothing").isNull()).isTrue();
            assertThat(back.get("list")).hasSize(5);
            assertThat(back.get("list").get(4).isNull()).isTrue();
            assertThat(back.get("nested").get("a").get("b").get("c").isArray()).isTrue();
            assertThat(back.get("emptyObject").isObject()).isTrue();
            // Numerically identical, node for node (JSON equality compares numbers by value here).
            assertThat(EventJson.write(back)).isEqualTo(EventJson.write(EventJson.parse(EventJson.write(payload))));
        }

        @Test
        void typed_payloads_are_read_back_as_records() {
            record Funded(String currency, BigDecimal amount) {
            }
            AggregateRef a = newAggregate("wallet");
            store().appendEvent(a, 0, event("Wallet.Funded", new Funded("USD", new BigDecimal("10.25"))));

            Funded back = store().getEvent(a, 1).orElseThrow().payloadAs(Funded.class);

            assertThat(back).isEqualTo(new Funded("USD", new BigDecimal("10.25")));
        }

        @Test
        void an_aggregate_with_no_events_has_no_head_and_no_events() {
            AggregateRef a = newAggregate("ghost");
            assertThat(store().getHead(a)).isEmpty();
            assertThat(store().getEvent(a, 1)).isEmpty();
            assertThat(store().currentVersion(a)).isZero();
            Page<EventRecord> page = store().listEvents(EventQuery.of(a));
            assertThat(page.data()).isEmpty();
            assertThat(page.hasMore()).isFalse();
        }

        @Test
        void several_events_append_atomically_with_consecutive_versions() {
            AggregateRef a = newAggregate("order");
            store().appendEvent(a, 0, event(1));
            List<NewEvent> batch = List.of(event(2), event(3), event(4));

            AppendResult result = store().appendEvents(a, 1, batch);

            assertThat(result.firstVersion()).isEqualTo(2);
            assertThat(result.version()).isEqualTo(4);
            assertThat(result.eventCount()).isEqualTo(3);
            assertThat(all(a)).extracting(EventRecord::version).containsExactly(1L, 2L, 3L, 4L);
            assertThat(all(a).subList(1, 4)).extracting(EventRecord::eventId)
                    .containsExactly(batch.get(0).eventId(), batch.get(1).eventId(), batch.get(2).eventId());
            AggregateHead head = store().getHead(a).orElseThrow();
            assertThat(head.currentVersion()).isEqualTo(4);
            assertThat(head.lastEventId()).isEqualTo(batch.get(2).eventId());
            assertThat(head.lastIdemKey()).isEqualTo(batch.get(0).eventId());
        }

        @Test
        void ninety_eight_events_fit_one_append() {
            AggregateRef a = newAggregate("bulk");
            List<NewEvent> batch = IntStream.rangeClosed(1, AppendRequest.MAX_EVENTS).mapToObj(EventStoreContract::event).toList();

            AppendResult result = store().appendEvents(a, 0, batch);

            assertThat(AppendRequest.MAX_EVENTS).isEqualTo(98);
            assertThat(result.version()).isEqualTo(98);
            assertThat(all(a)).hasSize(98);
        }

        @Test
        void occurred_at_is_stored_in_utc_with_milliseconds_whatever_iso_form_was_given() {
            AggregateRef a = newAggregate("clock");
            store().appendEvent(a, 0, event(1).toBuilder().occurredAt("2026-11-27T18:05:59+02:00").build());
            store().appendEvent(a, 1, event(2).toBuilder().occurredAt("2026-11-27T16:05:59.123456Z").build());

            assertThat(all(a)).extracting(EventRecord::occurredAt)
                    .containsExactly("2026-11-27T16:05:59.000Z", "2026-11-27T16:05:59.123Z");
        }

        @Test
        void numbers_read_back_as_dynamodb_keeps_them_in_every_store() {
            AggregateRef a = newAggregate("numbers");
            store().appendEvent(a, 0, event("N.Stored", Map.of("price", new BigDecimal("50.00"), "ratio", 0.1f,
                    "third", new BigDecimal("0.3330"), "zero", new BigDecimal("0.000"))));

            JsonNode back = store().getEvent(a, 1).orElseThrow().payload();

            assertThat(back.get("price").isIntegralNumber()).isTrue();
            assertThat(back.get("price").intValue()).isEqualTo(50);
            assertThat(back.get("ratio").decimalValue()).isEqualTo(new BigDecimal("0.1"));
            assertThat(back.get("third").decimalValue()).isEqualTo(new BigDecimal("0.333"));
            assertThat(back.get("zero").intValue()).isZero();
        }

        @Test
        void a_stored_event_cannot_be_changed_through_the_payload_given_or_read() {
            AggregateRef a = newAggregate("immutable");
            ObjectNode payload = EventJson.mapper().createObjectNode().put("amount", 5);
            store().appendEvent(a, 0, event("X.Happened", payload));
            payload.put("amount", 999);
            ((ObjectNode) store().getEvent(a, 1).orElseThrow().payload()).put("hacked", true);

            JsonNode stored = store().getEvent(a, 1).orElseThrow().payload();

            assertThat(stored.get("amount").intValue()).isEqualTo(5);
            assertThat(stored.has("hacked")).isFalse();
        }
    }

    @Nested
    class Listing {
        @Test
        void every_range_form_selects_the_right_versions() {
            AggregateRef a = newAggregate("list");
            appendSequentially(a, 12);

            assertThat(versions(EventQuery.of(a))).containsExactlyElementsOf(range(1, 12));
            assertThat(versions(EventQuery.of(a).after(5))).containsExactlyElementsOf(range(6, 12));
            assertThat(versions(EventQuery.of(a).through(4))).containsExactlyElementsOf(range(1, 4));
            assertThat(versions(EventQuery.of(a).after(5).through(10))).containsExactlyElementsOf(range(6, 10));
            assertThat(versions(EventQuery.of(a).after(0).through(1))).containsExactly(1L);
            assertThat(versions(EventQuery.of(a).after(12))).isEmpty();
            assertThat(versions(EventQuery.of(a).after(7).through(7))).isEmpty();
            assertThat(versions(EventQuery.of(a).after(9).through(3))).isEmpty();
            assertThat(versions(EventQuery.of(a).after(10).through(999_999_999))).containsExactly(11L, 12L);
            // The reference signature, nulls meaning "not given".
            assertThat(store().listEvents(a.aggregateType(), a.aggregateId(), 5L, 10L, null, null).data())
                    .extracting(EventRecord::version).containsExactlyElementsOf(range(6, 10));
            assertThat(store().listEvents(a.aggregateType(), a.aggregateId(), null, null, 3, null).data())
                    .extracting(EventRecord::version).containsExactly(1L, 2L, 3L);
        }

        @Test
        void a_limited_listing_continues_from_its_cursor_until_the_last_page() {
            AggregateRef a = newAggregate("page");
            appendSequentially(a, 25);

            Page<EventRecord> first = store().listEvents(EventQuery.of(a).limit(10));
            Page<EventRecord> second = store().listEvents(EventQuery.of(a).limit(10).continueFrom(first.cursor()));
            Page<EventRecord> third = store().listEvents(EventQuery.of(a).limit(10).continueFrom(second.cursor()));

            assertThat(first.data()).extracting(EventRecord::version).containsExactlyElementsOf(range(1, 10));
            assertThat(first.hasMore()).isTrue();
            assertThat(first.cursor()).isEqualTo("EVT#000000010");
            assertThat(second.data()).extracting(EventRecord::version).containsExactlyElementsOf(range(11, 20));
            assertThat(third.data()).extracting(EventRecord::version).containsExactlyElementsOf(range(21, 25));
            assertThat(third.hasMore()).isFalse();
            assertThat(third.cursor()).isNull();
        }

        @Test
        void a_page_that_ends_exactly_at_the_last_event_says_there_is_no_more() {
            AggregateRef a = newAggregate("exact");
            appendSequentially(a, 10);

            Page<EventRecord> page = store().listEvents(EventQuery.of(a).limit(10));

            assertThat(page.data()).hasSize(10);
            assertThat(page.hasMore()).isFalse();
        }

        @Test
        void paging_respects_the_range_bounds() {
            AggregateRef a = newAggregate("bounded");
            appendSequentially(a, 20);
            EventQuery q = EventQuery.of(a).after(3).through(15).limit(5);

            List<Long> seen = new ArrayList<>();
            Page<EventRecord> page = store().listEvents(q);
            int pages = 1;
            seen.addAll(page.data().stream().map(EventRecord::version).toList());
            while (page.hasMore()) {
                page = store().listEvents(q.continueFrom(page.cursor()));
                pages++;
                seen.addAll(page.data().stream().map(EventRecord::version).toList());
            }

            assertThat(seen).containsExactlyElementsOf(range(4, 15));
            assertThat(pages).isEqualTo(3);
            assertThat(store().readEvents(q).map(EventRecord::version).toList()).containsExactlyElementsOf(range(4, 15));
        }

        @Test
        void a_cursor_that_is_not_an_event_sort_key_is_refused() {
            AggregateRef a = newAggregate("cursor");
            assertThatThrownBy(() -> store().listEvents(EventQuery.of(a).continueFrom(Keys.HEAD_SK)))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store().listEvents(EventQuery.of(a).continueFrom("EVT#12")))
                    .isInstanceOf(InvalidInputException.class);
        }

        private List<Long> versions(EventQuery q) {
            return store().listEvents(q).data().stream().map(EventRecord::version).toList();
        }
    }

    @Nested
    class Tenants {
        @Test
        void the_aggregates_of_a_tenant_are_listed_once_each_in_key_order_with_paging() {
            String tenant = "ten-" + UUID.randomUUID();
            List<AggregateRef> mine = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                AggregateRef a = newAggregate("account");
                mine.add(a);
                for (int v = 1; v <= 3; v++) {
                    store().appendEvent(a, v - 1, event(v).toBuilder().tenantId(tenant).build());
                }
            }
            AggregateRef other = newAggregate("account");
            store().appendEvent(other, 0, event(1).toBuilder().tenantId("ten-other-" + UUID.randomUUID()).build());

            Page<AggregateRef> first = store().listTenantAggregates(tenant, 2, null);
            Page<AggregateRef> second = store().listTenantAggregates(tenant, 2, first.cursor());
            Page<AggregateRef> third = store().listTenantAggregates(tenant, 2, second.cursor());

            List<AggregateRef> listed = new ArrayList<>(first.data());
            listed.addAll(second.data());
            listed.addAll(third.data());
            List<AggregateRef> expected = new ArrayList<>(mine);
            expected.sort((x, y) -> x.pk().compareTo(y.pk()));
            assertThat(listed).containsExactlyElementsOf(expected);
            assertThat(first.hasMore()).isTrue();
            assertThat(third.data()).hasSize(1);
            assertThat(third.hasMore()).isFalse();
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Nested
    class Concurrency {
        @Test
        void appending_with_a_stale_version_is_a_conflict_that_writes_nothing() {
            AggregateRef a = newAggregate("race");
            appendSequentially(a, 2);
            long before = storedItemCount();

            assertThatThrownBy(() -> store().appendEvent(a, 1, event(99)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                        assertThat(e.aggregate()).isEqualTo(a);
                        assertThat(e.expectedVersion()).isEqualTo(1);
                        assertThat(e.actualVersion()).hasValue(2);
                    });
            assertThat(all(a)).hasSize(2);
            assertThat(storedItemCount()).isEqualTo(before);
        }

        @Test
        void appending_to_a_new_aggregate_with_a_positive_version_is_a_conflict() {
            AggregateRef a = newAggregate("fresh");
            assertThatThrownBy(() -> store().appendEvent(a, 3, event(1)))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.actualVersion()).hasValue(0));
            assertThat(store().getHead(a)).isEmpty();
        }

        @Test
        void a_conflicting_multi_event_append_writes_none_of_its_events() {
            AggregateRef a = newAggregate("atomic");
            appendSequentially(a, 3);
            long before = storedItemCount();

            assertThatThrownBy(() -> store().appendEvents(a, 1, List.of(event(10), event(11), event(12))))
                    .isInstanceOf(ConcurrencyConflictException.class);

            assertThat(all(a)).extracting(EventRecord::version).containsExactly(1L, 2L, 3L);
            assertThat(store().getHead(a).orElseThrow().currentVersion()).isEqualTo(3);
            assertThat(storedItemCount()).isEqualTo(before);
        }

        @Test
        void eight_writers_appending_25_events_each_leave_200_contiguous_versions_and_every_event_once() throws Exception {
            AggregateRef a = newAggregate("contended");
            int writers = 8;
            int perWriter = 25;
            Set<String> sent = Collections.synchronizedSet(new HashSet<>());
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    futures.add(pool.submit(() -> {
                        int conflicts = 0;
                        for (int i = 0; i < perWriter; i++) {
                            NewEvent e = event(i);
                            sent.add(e.eventId());
                            long expected = store().currentVersion(a);
                            while (true) {
                                try {
                                    store().appendEvent(a, expected, e);
                                    break;
                                } catch (ConcurrencyConflictException c) {
                                    conflicts++;
                                    expected = c.actualVersion().isPresent() ? c.actualVersion().getAsLong()
                                            : store().currentVersion(a);
                                    // Full jitter, growing with repeated losses, as a real writer would back off.
                                    Thread.sleep(ThreadLocalRandom.current().nextInt(1 + Math.min(40, 5 * conflicts)));
                                }
                            }
                        }
                        return conflicts;
                    }));
                }
                for (Future<Integer> f : futures) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }

            List<EventRecord> events = all(a);
            assertThat(events).extracting(EventRecord::version).containsExactlyElementsOf(range(1, writers * perWriter));
            assertThat(events).extracting(EventRecord::eventId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(sent);
            assertThat(store().getHead(a).orElseThrow().currentVersion()).isEqualTo(writers * perWriter);
        }
    }

    // ---------------------------------------------------------------- idempotency

    @Nested
    class Idempotency {
        @Test
        void repeating_an_append_returns_the_original_result_and_writes_nothing() {
            AggregateRef a = newAggregate("idem");
            AppendRequest request = AppendRequest.of(a, 0, event(1));
            AppendResult original = store().append(request);
            long before = storedItemCount();

            AppendResult repeat = store().append(request);

            assertThat(repeat.alreadyAppended()).isTrue();
            assertThat(repeat.version()).isEqualTo(original.version());
            assertThat(repeat.sk()).isEqualTo(original.sk());
            assertThat(all(a)).hasSize(1);
            assertThat(storedItemCount()).isEqualTo(before);
        }

        @Test
        void repeating_after_re_reading_the_head_is_recognised_too() {
            AggregateRef a = newAggregate("idem");
            AppendRequest request = AppendRequest.of(a, 0, event(1));
            store().append(request);
            long head = store().currentVersion(a);

            AppendResult repeat = store().append(request.withExpectedVersion(head));

            assertThat(repeat.alreadyAppended()).isTrue();
            assertThat(repeat.version()).isEqualTo(1);
            assertThat(all(a)).hasSize(1);
        }

        @Test
        void repeating_a_multi_event_append_after_others_appended_returns_its_original_versions() {
            AggregateRef a = newAggregate("idem");
            AppendRequest request = AppendRequest.of(a, 0, List.of(event(1), event(2)));
            store().append(request);
            store().appendEvent(a, 2, event(3));

            AppendResult repeat = store().append(request);

            assertThat(repeat.alreadyAppended()).isTrue();
            assertThat(repeat.firstVersion()).isEqualTo(1);
            assertThat(repeat.version()).isEqualTo(2);
            assertThat(all(a)).hasSize(3);
        }

        @Test
        void a_different_event_at_a_taken_version_is_a_conflict_not_a_repeat() {
            AggregateRef a = newAggregate("idem");
            store().appendEvent(a, 0, event(1));

            assertThatThrownBy(() -> store().appendEvent(a, 0, event(1)))
                    .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(all(a)).hasSize(1);
        }

        @Test
        void a_lost_response_followed_by_a_retry_leaves_exactly_one_event() {
            AggregateRef a = newAggregate("lost");
            AppendRequest request = AppendRequest.of(a, 0, event(1));
            loseNextAppendResponse();

            AppendResult result;
            try {
                result = store().append(request);
                // A client that retries by itself (the SDK) may have met the landed append already.
                assertThat(result.alreadyAppended()).as("the lost response was noticed").isTrue();
            } catch (EventStoreException e) {
                assertThat(e.isRetryable()).isTrue();
                result = store().append(request);
                assertThat(result.alreadyAppended()).isTrue();
            }

            assertThat(result.version()).isEqualTo(1);
            assertThat(all(a)).extracting(EventRecord::eventId).containsExactly(request.events().get(0).eventId());
            assertThat(store().currentVersion(a)).isEqualTo(1);
        }

        @Test
        void a_lost_response_retried_after_re_reading_the_head_leaves_exactly_one_event() {
            AggregateRef a = newAggregate("lost");
            store().appendEvent(a, 0, event(0));
            AppendRequest request = AppendRequest.of(a, 1, event(1));
            loseNextAppendResponse();

            lostOrRecognised(request);
            AppendResult retry = store().append(request.withExpectedVersion(store().currentVersion(a)));

            assertThat(retry.alreadyAppended()).isTrue();
            assertThat(retry.version()).isEqualTo(2);
            assertThat(all(a)).hasSize(2);
        }

        @Test
        void a_lost_response_retried_after_another_writer_appended_leaves_exactly_one_event() {
            AggregateRef a = newAggregate("lost");
            AppendRequest request = AppendRequest.of(a, 0, event(1));
            loseNextAppendResponse();
            lostOrRecognised(request);
            store().appendEvent(a, 1, event(2)); // someone else, in between

            AppendResult retry = store().append(request);

            assertThat(retry.alreadyAppended()).isTrue();
            assertThat(retry.version()).isEqualTo(1);
            assertThat(all(a)).extracting(EventRecord::version).containsExactly(1L, 2L);
            assertThat(all(a).get(0).eventId()).isEqualTo(request.events().get(0).eventId());
        }

        @Test
        void a_lost_response_retried_after_another_writer_appended_and_the_head_was_re_read_leaves_one_event() {
            AggregateRef a = newAggregate("lost");
            store().appendEvent(a, 0, event(0));
            AppendRequest request = AppendRequest.of(a, 1, List.of(event(1), event(2)));
            loseNextAppendResponse();
            lostOrRecognised(request);
            store().appendEvent(a, 3, event(3)); // someone else, in between
            long head = store().currentVersion(a);

            AppendResult retry = store().append(request.withExpectedVersion(head));

            assertThat(retry.alreadyAppended()).isTrue();
            assertThat(retry.firstVersion()).isEqualTo(2);
            assertThat(retry.version()).isEqualTo(3);
            assertThat(all(a)).extracting(EventRecord::eventId).doesNotHaveDuplicates().hasSize(4);
            assertThat(store().currentVersion(a)).isEqualTo(4);
        }

        @Test
        void an_idempotency_key_reused_for_other_events_is_refused_and_writes_nothing() {
            AggregateRef a = newAggregate("reuse");
            store().append(new AppendRequest(a, 0, List.of(event(1)), "cmd-1"));
            long before = storedItemCount();

            assertThatThrownBy(() -> store().append(new AppendRequest(a, 1, List.of(event(2)), "cmd-1")))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("idempotencyKey"));

            assertThat(all(a)).hasSize(1);
            assertThat(storedItemCount()).isEqualTo(before);
        }

        @Test
        void the_append_made_with_a_key_can_be_found_by_it() {
            AggregateRef a = newAggregate("find");
            store().appendEvent(a, 0, event(0));
            store().append(new AppendRequest(a, 1, List.of(event(1), event(2)), "cmd-7"));
            store().appendEvent(a, 3, event(3));

            assertThat(store().findAppend(a, "cmd-7")).hasValueSatisfying(r -> {
                assertThat(r.firstVersion()).isEqualTo(2);
                assertThat(r.version()).isEqualTo(3);
                assertThat(r.alreadyAppended()).isTrue();
            });
            assertThat(store().findAppend(a, "cmd-unknown")).isEmpty();
            assertThat(store().findAppend(newAggregate("none"), "cmd-7")).isEmpty();
        }

        @Test
        void idempotency_records_never_appear_among_the_events() {
            AggregateRef a = newAggregate("records");
            store().append(new AppendRequest(a, 0, List.of(event(1)), "cmd-a"));
            store().append(new AppendRequest(a, 1, List.of(event(2)), "cmd-b"));

            assertThat(all(a)).extracting(EventRecord::version).containsExactly(1L, 2L);
            assertThat(store().listEvents(EventQuery.of(a).limit(1)).hasMore()).isTrue();
            assertThat(store().listEvents(EventQuery.of(a).after(1).limit(1)).hasMore()).isFalse();
        }

        /** Sends an append whose response the store loses; the caller sees a retryable failure or, after a client retry, a repeat. */
        private void lostOrRecognised(AppendRequest request) {
            try {
                AppendResult r = store().append(request);
                assertThat(r.alreadyAppended()).as("the lost response was noticed").isTrue();
            } catch (EventStoreException e) {
                assertThat(e.isRetryable()).isTrue();
            }
        }
    }

    // ---------------------------------------------------------------- bad input

    @Nested
    class BadInput {
        @Test
        void every_bad_input_is_refused_before_any_request_and_nothing_is_written() {
            long items = storedItemCount();
            long requests = requestsSent();
            String big = "x".repeat(410 * 1024);

            List<Runnable> attempts = List.of(
                    () -> store().appendEvent(AggregateRef.of("", "x"), 0, event(1)),
                    () -> store().appendEvent(AggregateRef.of("  ", "x"), 0, event(1)),
                    () -> store().appendEvent(AggregateRef.of("wal#let", "x"), 0, event(1)),
                    () -> store().appendEvent(AggregateRef.of("wallet", " "), 0, event(1)),
                    () -> store().appendEvent(newAggregate("wallet"), 999_999_999, event(1)),
                    () -> store().appendEvents(newAggregate("wallet"), 999_999_998, List.of(event(1), event(2))),
                    () -> store().appendEvent(newAggregate("wallet"), -1, event(1)),
                    () -> store().appendEvent(newAggregate("wallet"), 0, event("Big.Event", Map.of("blob", big))),
                    () -> store().appendEvent(newAggregate("wallet"), 0,
                            NewEvent.builder().eventId("evt-1").eventType("X").payload(DoubleNode.valueOf(Double.NaN)).build()),
                    () -> store().appendEvent(newAggregate("wallet"), 0,
                            NewEvent.builder().eventId("evt-1").eventType("X").payload(new Object()).build()),
                    () -> store().appendEvent(newAggregate("wallet"), 0,
                            NewEvent.builder().eventId("evt-1").eventType("X").payload(Map.of("n", new BigDecimal("1E+200"))).build()),
                    () -> store().appendEvent(newAggregate("wallet"), 0,
                            NewEvent.builder().eventId("evt-1").eventType(" ").build()),
                    () -> store().appendEvent(newAggregate("wallet"), 0,
                            NewEvent.builder().eventId("").eventType("X").build()),
                    () -> store().appendEvent(newAggregate("wallet"), 0,
                            NewEvent.builder().eventId("evt-1").eventType("X").occurredAt("yesterday").build()),
                    () -> store().appendEvents(newAggregate("wallet"), 0, List.of()),
                    () -> store().appendEvents(newAggregate("wallet"), 0, List.of(event(1), event(1).toBuilder().eventId("dup").build(),
                            event(2).toBuilder().eventId("dup").build())),
                    () -> store().appendEvents(newAggregate("wallet"), 0,
                            IntStream.rangeClosed(1, AppendRequest.MAX_EVENTS + 1).mapToObj(EventStoreContract::event).toList()),
                    () -> store().appendEvent(AggregateRef.of("wallet", "x".repeat(1100)), 0, event(1)),
                    () -> store().appendEvent(newAggregate("wallet"), 0, event(1).toBuilder().tenantId("t".repeat(2100)).build()),
                    () -> store().append(new AppendRequest(newAggregate("wallet"), 0, List.of(event(1)), "k".repeat(1100))),
                    () -> store().findAppend(newAggregate("wallet"), " "),
                    () -> store().getEvent(newAggregate("wallet"), 1_000_000_000),
                    () -> store().getEvent(newAggregate("wallet"), 0),
                    () -> store().listTenantAggregates(" ", 10, null),
                    () -> store().listTenantAggregates("t", 0, null));

            for (Runnable attempt : attempts) {
                assertThatThrownBy(attempt::run).isInstanceOf(InvalidInputException.class);
            }
            assertThat(requestsSent()).isEqualTo(requests);
            assertThat(storedItemCount()).isEqualTo(items);
        }

        @Test
        void an_item_is_measured_as_dynamodb_counts_it() {
            AggregateRef a = newAggregate("sized");
            NewEvent probe = NewEvent.builder().eventId("evt-size-probe").eventType("Blob.Stored").payload(Map.of("b", "")).build();
            long base = dev.eventfold.spi.wire.DynamoItemSize.of(EventItems.toItemJson(probe.toRecord(a, 1, java.time.Instant.EPOCH)));
            long room = dev.eventfold.spi.wire.DynamoItemSize.MAX_ITEM_BYTES - base;
            long fitting = Math.min(room, largestItemTheServiceAccepts() - base - 64);
            NewEvent fits = probe.toBuilder().payload(Map.of("b", "y".repeat((int) fitting))).occurredAt("1970-01-01T00:00:00.000Z").build();
            NewEvent tooBig = probe.toBuilder().eventId("evt-size-probf").payload(Map.of("b", "y".repeat((int) room + 1)))
                    .occurredAt("1970-01-01T00:00:00.000Z").build();

            assertThatThrownBy(() -> store().appendEvent(a, 0, tooBig)).isInstanceOf(AppendTooLargeException.class);
            assertThat(store().getHead(a)).isEmpty();
            store().appendEvent(a, 0, fits);
            assertThat(store().getEvent(a, 1).orElseThrow().payload().get("b").textValue()).hasSize((int) fitting);
        }

        @Test
        void a_multi_event_append_over_the_transaction_size_is_refused_whole() {
            AggregateRef a = newAggregate("huge");
            String blob = "z".repeat(390 * 1024);
            List<NewEvent> batch = IntStream.range(0, 11).mapToObj(i -> event("Blob.Stored", Map.of("b", blob))).toList();
            long before = storedItemCount();

            assertThatThrownBy(() -> store().appendEvents(a, 0, batch)).isInstanceOf(AppendTooLargeException.class);
            assertThat(store().getHead(a)).isEmpty();
            assertThat(storedItemCount()).isEqualTo(before);
        }
    }

    protected static List<Long> range(long from, long to) {
        List<Long> r = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            r.add(v);
        }
        return r;
    }
}
