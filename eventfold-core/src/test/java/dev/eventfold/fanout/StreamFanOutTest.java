package dev.eventfold.fanout;

import dev.eventfold.internal.Utf8;
import dev.eventfold.spi.wire.EventItems;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.fanout.internal.EventSources;
import dev.eventfold.fanout.internal.FifoIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.json.EventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StreamFanOutTest {
    static final String FIFO = "https://sqs.us-east-1.amazonaws.com/1/orders.fifo";
    static final String STANDARD = "https://sqs.us-east-1.amazonaws.com/1/audit";
    static final String BUS = "domain-events";

    /** Records what it was sent; a function may fail entries per call. */
    static final class Recording implements QueuePublisher, BusPublisher {
        final Map<String, List<List<QueueEntry>>> queueRequests = new ConcurrentHashMap<>();
        final List<List<BusEntry>> busRequests = new CopyOnWriteArrayList<>();
        /** Entries the "queue" accepted, per queue, in the order it accepted them. */
        final Map<String, List<QueueEntry>> accepted = new ConcurrentHashMap<>();
        Function<List<?>, List<EntryFailure>> failures = entries -> List.of();

        @Override
        public List<EntryFailure> send(String queueUrl, List<QueueEntry> entries) {
            queueRequests.computeIfAbsent(queueUrl, k -> new CopyOnWriteArrayList<>()).add(entries);
            List<EntryFailure> f = failures.apply(entries);
            Set<String> failed = new HashSet<>();
            f.forEach(x -> failed.add(x.id()));
            entries.stream().filter(e -> !failed.contains(e.id()))
                    .forEach(e -> accepted.computeIfAbsent(queueUrl, k -> new CopyOnWriteArrayList<>()).add(e));
            return f;
        }

        @Override
        public List<EntryFailure> put(String busName, List<BusEntry> entries) {
            assertThat(busName).isEqualTo(BUS);
            busRequests.add(entries);
            return failures.apply(entries);
        }

        List<QueueEntry> delivered(String queue) {
            return queueRequests.getOrDefault(queue, List.of()).stream().flatMap(List::stream).toList();
        }
    }

    final Recording publisher = new Recording();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    StreamFanOut.Builder fanOut() {
        return StreamFanOut.builder().queues(List.of(FIFO, STANDARD)).bus(BUS).queuePublisher(publisher)
                .busPublisher(publisher).sleeper(sleeps::add);
    }

    static ObjectNode item(String aggregateId, long version, String eventId, String payloadText) {
        return EventItems.toItemJson(EventRecord.builder().aggregate("walletAccount.line", aggregateId).version(version)
                .eventId(eventId).eventType("Wallet.Funded").source(null).occurredAt("2026-11-27T16:05:59.123Z")
                .payload(EventJson.mapper().createObjectNode().put("text", payloadText)).build());
    }

    static List<StreamRecord> events(int n, int payloadChars) {
        List<StreamRecord> out = new ArrayList<>();
        String text = "x".repeat(payloadChars);
        for (int i = 0; i < n; i++) {
            out.add(StreamRecord.insert("seq-" + (i + 1), item("agg-" + (i % 3), i / 3 + 1, "evt-" + i, text)));
        }
        return out;
    }

    @Nested
    class Filtering {
        @Test
        void only_inserts_of_event_items_are_sent() {
            ObjectNode head = EventJson.mapper().createObjectNode().put("pk", "AGG#w#1").put("sk", "HEAD")
                    .put("currentVersion", 1);
            ObjectNode event = item("a", 1, "evt-1", "t");
            List<StreamRecord> records = List.of(
                    new StreamRecord("1", "MODIFY", Optional.of(head)),
                    StreamRecord.insert("2", head),
                    new StreamRecord("3", "MODIFY", Optional.of(event)),
                    new StreamRecord("4", "REMOVE", Optional.empty()),
                    StreamRecord.insert("5", event));
            FanOutOutcome out = fanOut().build().handle(records);
            assertThat(out.allDelivered()).isTrue();
            assertThat(out.events()).isEqualTo(1);
            assertThat(publisher.delivered(STANDARD)).hasSize(1);
            assertThat(publisher.delivered(FIFO)).hasSize(1);
            assertThat(publisher.busRequests).hasSize(1);
        }

        @Test
        void a_batch_without_events_sends_nothing() {
            FanOutOutcome out = fanOut().build().handle(List.of(new StreamRecord("1", "REMOVE", Optional.empty())));
            assertThat(out.allDelivered()).isTrue();
            assertThat(out.totalRequests()).isZero();
            assertThat(publisher.queueRequests).isEmpty();
        }
    }

    @Nested
    class Entries {
        @Test
        void fifo_entries_get_group_and_deduplication_ids_and_standard_entries_neither() {
            fanOut().build().handle(List.of(StreamRecord.insert("1", item("wal_1", 1, "evt-1", "t"))));
            QueueEntry fifo = publisher.delivered(FIFO).get(0);
            QueueEntry standard = publisher.delivered(STANDARD).get(0);
            assertThat(fifo.messageGroupId()).contains("wal_1");
            assertThat(fifo.messageDeduplicationId()).contains("evt-1");
            assertThat(standard.messageGroupId()).isEmpty();
            assertThat(standard.messageDeduplicationId()).isEmpty();
            assertThat(fifo.id()).isEqualTo("evt-1-0");
        }

        @Test
        void the_body_is_the_image_as_json_and_the_bus_entry_carries_source_and_type() throws Exception {
            // A copy of shared/spec/vectors (KeysAndVectorsTest uses the same resources).
            JsonNode message = EventJson.parse(new String(StreamFanOutTest.class.getResourceAsStream("/vectors/event-message.json")
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            fanOut().build().handle(List.of(StreamRecord.insert("1", (ObjectNode) message)));
            QueueEntry entry = publisher.delivered(FIFO).get(0);
            assertThat(EventJson.parse(entry.body())).isEqualTo(message);
            assertThat(entry.id()).isEqualTo("evt-01J9Z3K8Q4W5X6Y7Z8A9B0C1D2-0");
            assertThat(entry.messageGroupId()).contains("wal_123");
            BusEntry bus = publisher.busRequests.get(0).get(0);
            assertThat(bus.source()).isEqualTo("billing");
            assertThat(bus.detailType()).isEqualTo("Wallet.Withdrawn");
            assertThat(EventJson.parse(bus.detail())).isEqualTo(message);
        }

        @Test
        void an_event_without_source_gets_the_kebab_case_of_its_aggregate_type() {
            fanOut().build().handle(List.of(StreamRecord.insert("1", item("a", 1, "evt-1", "t"))));
            assertThat(publisher.busRequests.get(0).get(0).source()).isEqualTo("wallet-account");
        }

        @Test
        void kebab_case_splits_words_like_the_reference() {
            assertThat(EventSources.fallback("wallet")).isEqualTo("wallet");
            assertThat(EventSources.fallback("WalletAccount.line.item")).isEqualTo("wallet-account");
            assertThat(EventSources.fallback("HTTPServer")).isEqualTo("http-server");
            assertThat(EventSources.fallback("order_line")).isEqualTo("order-line");
            assertThat(EventSources.fallback("v2Orders")).isEqualTo("v2-orders");
        }

        @Test
        void entry_ids_are_valid_and_unique_whatever_the_event_id() {
            List<StreamRecord> records = new ArrayList<>();
            String[] ids = {"evt/1", "évt 1", "x".repeat(200), "a.b:c", "evt/1 ", "🙂"};
            for (int i = 0; i < ids.length; i++) {
                records.add(StreamRecord.insert("s" + i, item("a", i + 1, ids[i], "t")));
            }
            FanOutOutcome out = fanOut().build().handle(records);
            assertThat(out.allDelivered()).isTrue();
            List<QueueEntry> sent = publisher.delivered(STANDARD);
            assertThat(sent).hasSize(ids.length).allSatisfy(e -> {
                assertThat(e.id()).matches("[A-Za-z0-9_-]{1,80}");
            });
            Set<String> unique = new HashSet<>();
            sent.forEach(e -> unique.add(e.id()));
            assertThat(unique).hasSize(ids.length);
            // The deduplication id is still the real eventId where SQS takes it.
            assertThat(publisher.delivered(FIFO).get(0).messageDeduplicationId()).contains("evt/1");
        }
    }

    @Nested
    class Batching {
        @Test
        void small_events_go_ten_to_a_request_in_stream_order() {
            FanOutOutcome out = fanOut().build().handle(events(25, 10));
            assertThat(publisher.queueRequests.get(STANDARD)).extracting(List::size).containsExactly(10, 10, 5);
            assertThat(publisher.busRequests).extracting(List::size).containsExactly(10, 10, 5);
            assertThat(publisher.delivered(STANDARD)).extracting(e -> EventJson.parse(e.body()).get("eventId").asText())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).mapToObj(i -> "evt-" + i).toList());
            // The FIFO queue takes one entry per group per request: 3 groups of 9, 8 and 8 events.
            assertThat(out.requests()).containsEntry("queue:" + STANDARD, 3).containsEntry("bus:" + BUS, 3)
                    .containsEntry("queue:" + FIFO, 9);
            assertThat(out.totalRequests()).isEqualTo(15);
        }

        @Test
        void requests_are_split_by_size_at_the_older_256_kb_quota() {
            // Bodies of about 100 KB: two fit in 256 KB, ten fit in 1 MiB.
            fanOut().requestBytes(StreamFanOut.LEGACY_REQUEST_BYTES).build().handle(events(10, 100_000));
            assertThat(publisher.queueRequests.get(STANDARD)).extracting(List::size).containsExactly(2, 2, 2, 2, 2);
            assertThat(publisher.busRequests).extracting(List::size).containsExactly(2, 2, 2, 2, 2);
            for (List<QueueEntry> request : publisher.queueRequests.get(STANDARD)) {
                assertThat(request.stream().mapToLong(e -> Utf8.length(e.body())).sum())
                        .isLessThanOrEqualTo(StreamFanOut.LEGACY_REQUEST_BYTES);
            }
        }

        @Test
        void requests_are_split_by_size_at_the_default_1_mib_quota() {
            fanOut().build().handle(events(20, 150_000));
            // 6 bodies of ~150 KB fit in 1 MiB, 7 do not.
            assertThat(publisher.queueRequests.get(STANDARD)).extracting(List::size).containsExactly(6, 6, 6, 2);
        }

        @Test
        void eventbridge_counts_14_bytes_plus_source_type_and_detail() {
            List<StreamRecord> one = events(1, 10);
            String body = EventJson.write(one.get(0).newImage().get());
            long size = 14 + "wallet-account".length() + "Wallet.Funded".length() + body.length();
            // A quota of exactly that size takes one entry per request; one byte less refuses it.
            fanOut().queues(List.of()).busRequestBytes((int) size).build().handle(events(2, 10));
            assertThat(publisher.busRequests).extracting(List::size).containsExactly(1, 1);
            FanOutOutcome refused = fanOut().queues(List.of()).busRequestBytes((int) size - 1).build().handle(one);
            assertThat(refused.failures()).singleElement()
                    .satisfies(f -> assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.TOO_LARGE));
        }

        @Test
        void an_event_too_large_for_the_quota_fails_its_record_and_stops_there() {
            List<StreamRecord> records = new ArrayList<>(events(3, 10));
            records.add(1, StreamRecord.insert("big", item("agg-9", 1, "evt-big", "y".repeat(300_000))));
            FanOutOutcome out = fanOut().requestBytes(StreamFanOut.LEGACY_REQUEST_BYTES).build().handle(records);
            assertThat(out.firstFailedSequenceNumber()).contains("big");
            assertThat(out.failures()).extracting(DeliveryFailure::reason).containsOnly(DeliveryFailure.Reason.TOO_LARGE);
            assertThat(out.failures()).extracting(DeliveryFailure::destination)
                    .containsExactlyInAnyOrder("queue:" + FIFO, "queue:" + STANDARD, "bus:" + BUS);
            // The record before it went everywhere; nothing after it was sent to the standard queue,
            // while the FIFO queue stops only the big event's group (agg-9).
            assertThat(publisher.delivered(STANDARD)).extracting(e -> EventJson.parse(e.body()).get("eventId").asText())
                    .containsExactly("evt-0");
            assertThat(publisher.delivered(FIFO)).extracting(QueueEntry::messageDeduplicationId)
                    .containsExactlyInAnyOrder(Optional.of("evt-0"), Optional.of("evt-1"), Optional.of("evt-2"));
        }
    }

    @Nested
    class Failures {
        @Test
        void retryable_failed_entries_are_retried_with_backoff_until_delivered() {
            Map<String, Integer> calls = new ConcurrentHashMap<>();
            publisher.failures = entries -> {
                List<EntryFailure> f = new ArrayList<>();
                for (Object o : entries) {
                    String id = o instanceof QueueEntry q ? q.id() : ((BusEntry) o).id();
                    // entries 3 and 7 of the first request fail twice
                    if ((id.endsWith("-3") || id.endsWith("-7")) && calls.merge(id + o.getClass(), 1, Integer::sum) <= 2) {
                        f.add(new EntryFailure(id, "InternalError", "try again", true));
                    }
                }
                return f;
            };
            FanOutOutcome out = fanOut().queues(List.of(STANDARD)).build().handle(events(10, 10));
            assertThat(out.allDelivered()).isTrue();
            assertThat(publisher.queueRequests.get(STANDARD)).extracting(List::size).containsExactly(10, 2, 2);
            // The retries carry only the failed entries, with the same ids.
            assertThat(publisher.queueRequests.get(STANDARD).get(1)).extracting(QueueEntry::id)
                    .containsExactly("evt-3-3", "evt-7-7");
            assertThat(out.requests()).containsEntry("queue:" + STANDARD, 3).containsEntry("bus:" + BUS, 3);
            assertThat(sleeps).contains(Duration.ofMillis(100), Duration.ofMillis(200));
        }

        @Test
        void a_rejected_entry_is_not_retried_and_the_outcome_names_the_first_record_not_delivered_everywhere() {
            publisher.failures = entries -> entries.stream()
                    .filter(o -> o instanceof QueueEntry q && q.body().contains("evt-13"))
                    .map(o -> new EntryFailure(((QueueEntry) o).id(), "InvalidParameterValue", "bad", false)).toList();
            FanOutOutcome out = fanOut().build().handle(events(25, 10));
            assertThat(out.firstFailedSequenceNumber()).contains("seq-14");
            assertThat(out.failures()).hasSize(2).allSatisfy(f -> {
                assertThat(f.eventId()).isEqualTo("evt-13");
                assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.REJECTED);
                assertThat(f.detail()).contains("InvalidParameterValue");
            });
            // A standard queue stops at its failed record; the bus (no failure) sends everything.
            assertThat(publisher.queueRequests.get(STANDARD)).extracting(List::size).containsExactly(10, 10);
            assertThat(publisher.busRequests).extracting(List::size).containsExactly(10, 10, 5);
            // The FIFO queue stops the failed record's group (agg-1) only: nothing of agg-1 after evt-13.
            assertThat(publisher.accepted.get(FIFO)).extracting(e -> e.messageDeduplicationId().get())
                    .doesNotContain("evt-13", "evt-16", "evt-19", "evt-22").contains("evt-10", "evt-24", "evt-23");
            assertThat(publisher.delivered(FIFO)).extracting(e -> e.messageDeduplicationId().get())
                    .doesNotContain("evt-16", "evt-19", "evt-22");
            assertThat(sleeps).isEmpty();
        }

        @Test
        void entries_still_failing_after_the_last_attempt_are_reported() {
            publisher.failures = entries -> entries.stream().filter(o -> o instanceof BusEntry)
                    .map(o -> new EntryFailure(((BusEntry) o).id(), "ThrottlingException", "slow down", true)).toList();
            FanOutOutcome out = fanOut().maxAttempts(3).build().handle(events(5, 10));
            assertThat(out.firstFailedSequenceNumber()).contains("seq-1");
            assertThat(out.failures()).hasSize(5).extracting(DeliveryFailure::destination).containsOnly("bus:" + BUS);
            assertThat(publisher.busRequests).hasSize(3);
            assertThat(publisher.delivered(STANDARD)).hasSize(5);
        }

        @Test
        void a_request_that_fails_as_a_whole_is_retried() {
            int[] calls = {0};
            QueuePublisher flaky = (url, entries) -> {
                if (calls[0]++ == 0) {
                    throw new IllegalStateException("connection reset");
                }
                return publisher.send(url, entries);
            };
            FanOutOutcome out = StreamFanOut.builder().queues(List.of(STANDARD)).queuePublisher(flaky)
                    .sleeper(sleeps::add).build().handle(events(3, 10));
            assertThat(out.allDelivered()).isTrue();
            assertThat(publisher.delivered(STANDARD)).hasSize(3);
            assertThat(out.requests()).containsEntry("queue:" + STANDARD, 2);
        }

        @Test
        void a_request_failing_every_time_is_a_request_failure_of_its_records() {
            QueuePublisher down = (url, entries) -> {
                throw new IllegalStateException("down");
            };
            FanOutOutcome out = StreamFanOut.builder().queues(List.of(STANDARD)).queuePublisher(down)
                    .maxAttempts(2).sleeper(sleeps::add).build().handle(events(3, 10));
            assertThat(out.firstFailedSequenceNumber()).contains("seq-1");
            assertThat(out.failures()).extracting(DeliveryFailure::reason).containsOnly(DeliveryFailure.Reason.REQUEST_FAILED);
        }

        @Test
        void a_malformed_event_item_fails_its_record() {
            ObjectNode bad = item("a", 1, "evt-1", "t");
            bad.remove("eventType");
            List<StreamRecord> records = new ArrayList<>(events(2, 10));
            records.add(StreamRecord.insert("bad", bad));
            records.addAll(events(1, 10).stream().map(r -> StreamRecord.insert("after", r.newImage().get())).toList());
            FanOutOutcome out = fanOut().build().handle(records);
            assertThat(out.firstFailedSequenceNumber()).contains("bad");
            assertThat(out.failures()).singleElement()
                    .satisfies(f -> assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.MALFORMED_EVENT));
            assertThat(publisher.delivered(STANDARD)).hasSize(2);
        }
    }

    @Nested
    class FifoOrder {
        /** Several events of one aggregate (and one of another), interleaved as a stream has them. */
        List<StreamRecord> oneAggregateMostly() {
            List<StreamRecord> out = new ArrayList<>();
            for (int v = 1; v <= 4; v++) {
                out.add(StreamRecord.insert("a" + v, item("wal_a", v, "evt-a" + v, "t")));
            }
            out.add(2, StreamRecord.insert("b1", item("wal_b", 1, "evt-b1", "t")));
            return out;
        }

        static List<String> dedupIds(List<QueueEntry> entries) {
            return entries.stream().map(e -> e.messageDeduplicationId().get()).toList();
        }

        @Test
        void a_retried_first_entry_is_not_overtaken_by_later_entries_of_its_group() {
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            publisher.failures = entries -> entries.stream().map(QueueEntry.class::cast)
                    .filter(e -> e.messageDeduplicationId().orElse("").equals("evt-a1") && failedOnce.add("evt-a1"))
                    .map(e -> new EntryFailure(e.id(), "InternalError", "try again", true)).toList();
            FanOutOutcome out = fanOut().queues(List.of(FIFO)).bus(Optional.empty()).build().handle(oneAggregateMostly());

            assertThat(out.allDelivered()).isTrue();
            assertThat(failedOnce).containsExactly("evt-a1");
            // The queue accepted the aggregate's events in version order, the retried one first.
            assertThat(dedupIds(publisher.accepted.get(FIFO))).filteredOn(id -> id.startsWith("evt-a"))
                    .containsExactly("evt-a1", "evt-a2", "evt-a3", "evt-a4");
            // No request ever held two entries of one group.
            assertThat(publisher.queueRequests.get(FIFO)).allSatisfy(request -> assertThat(request)
                    .extracting(e -> e.messageGroupId().get()).doesNotHaveDuplicates());
            // [a1, b1], the retry [a1], then a2, a3, a4 one request after another.
            assertThat(publisher.queueRequests.get(FIFO)).extracting(List::size).containsExactly(2, 1, 1, 1, 1);
            assertThat(out.requests()).containsEntry("queue:" + FIFO, 5);
        }

        @Test
        void a_group_whose_entry_fails_stops_there_and_the_first_undelivered_record_is_reported() {
            publisher.failures = entries -> entries.stream().map(QueueEntry.class::cast)
                    .filter(e -> e.messageDeduplicationId().orElse("").equals("evt-a2"))
                    .map(e -> new EntryFailure(e.id(), "InvalidParameterValue", "no", false)).toList();
            FanOutOutcome out = fanOut().queues(List.of(FIFO)).bus(Optional.empty()).build().handle(oneAggregateMostly());

            assertThat(out.firstFailedSequenceNumber()).contains("a2");
            assertThat(out.failures()).singleElement().satisfies(f -> {
                assertThat(f.eventId()).isEqualTo("evt-a2");
                assertThat(f.reason()).isEqualTo(DeliveryFailure.Reason.REJECTED);
            });
            assertThat(dedupIds(publisher.delivered(FIFO))).containsExactly("evt-a1", "evt-b1", "evt-a2");
            assertThat(dedupIds(publisher.accepted.get(FIFO))).containsExactly("evt-a1", "evt-b1");
        }

        @Test
        void groups_interleave_and_the_requests_are_as_many_as_the_largest_group() {
            FanOutOutcome out = fanOut().queues(List.of(FIFO)).bus(Optional.empty()).build().handle(events(30, 10));
            assertThat(out.allDelivered()).isTrue();
            // 3 groups of 10: each request carries one entry of each, in stream order.
            assertThat(publisher.queueRequests.get(FIFO)).hasSize(10).allSatisfy(request -> assertThat(request)
                    .extracting(e -> e.messageGroupId().get()).containsExactly("agg-0", "agg-1", "agg-2"));
            assertThat(dedupIds(publisher.delivered(FIFO))).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 30).mapToObj(i -> "evt-" + i).toList());
        }

        @Test
        void group_and_deduplication_ids_sqs_would_refuse_get_a_stable_hash_form() {
            String longId = "w".repeat(129);
            fanOut().queues(List.of(FIFO)).build().handle(List.of(
                    StreamRecord.insert("1", item("wallet of ann", 1, "evt 1", "t")),
                    StreamRecord.insert("2", item(longId, 1, "evt-" + "é".repeat(3), "t")),
                    StreamRecord.insert("3", item("wal_1!#{~}", 1, "evt-3", "t"))));
            List<QueueEntry> sent = publisher.delivered(FIFO);
            assertThat(sent).extracting(e -> e.messageGroupId().get()).containsExactly(
                    FifoIds.hashed("h-", "wallet of ann"), FifoIds.hashed("h-", longId), "wal_1!#{~}");
            assertThat(sent).extracting(e -> e.messageDeduplicationId().get()).containsExactly(
                    FifoIds.hashed("h-", "evt 1"), FifoIds.hashed("h-", "evt-ééé"), "evt-3");
            assertThat(sent).allSatisfy(e -> {
                assertThat(FifoIds.isValid(e.messageGroupId().get())).isTrue();
                assertThat(FifoIds.isValid(e.messageDeduplicationId().get())).isTrue();
            });
        }

        @Test
        void fifo_ids_keep_valid_values_and_hash_the_others_the_same_way_every_time() {
            String punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
            assertThat(FifoIds.of(punctuation)).isEqualTo(punctuation);
            assertThat(FifoIds.of("a".repeat(128))).isEqualTo("a".repeat(128));
            assertThat(FifoIds.of("a".repeat(129))).matches("h-[0-9a-f]{64}").isEqualTo(FifoIds.of("a".repeat(129)));
            assertThat(FifoIds.of("")).matches("h-[0-9a-f]{64}");
            assertThat(FifoIds.of("a b")).isNotEqualTo(FifoIds.of("a_b")).matches("h-[0-9a-f]{64}");
            // SHA-256 of "abc", a published test vector: the hash form is the same in every process.
            assertThat(FifoIds.hashed("h-", "abc"))
                    .isEqualTo("h-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
    }

    @Nested
    class Configuration {
        @Test
        void bad_settings_are_refused_when_built() {
            assertThatThrownBy(() -> StreamFanOut.builder().queues(List.of(STANDARD)).build())
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> StreamFanOut.builder().bus(BUS).build()).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> fanOut().requestBytes(0).build()).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> fanOut().maxAttempts(0).build()).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> fanOut().queues(List.of(STANDARD, STANDARD)).build())
                    .isInstanceOf(InvalidInputException.class);
        }
    }
}
