package dev.eventfold.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.listener.EventListener;
import dev.eventfold.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EmbeddedRuntimeTest {
    final InMemoryEventStore store = new InMemoryEventStore();

    void append(String aggregateId, int count, String type) {
        AggregateRef ref = AggregateRef.of("wallet", aggregateId);
        for (int i = 0; i < count; i++) {
            long v = store.currentVersion(ref);
            store.appendEvent(ref, v, NewEvent.builder().eventId("evt-" + aggregateId + "-" + (v + 1)).eventType(type)
                    .source("billing").payload(Map.of("n", v + 1)).build());
        }
    }

    @Nested
    class Delivery {
        @Test
        void appended_events_reach_every_queue_and_the_bus_rule_target_in_aggregate_order() {
            Map<String, List<Long>> fifoOrder = new ConcurrentHashMap<>();
            List<String> standard = new CopyOnWriteArrayList<>();
            List<String> viaBus = new CopyOnWriteArrayList<>();
            EventListener fifo = EventListener.builder().on("Wallet.Funded", e -> fifoOrder
                    .computeIfAbsent(e.aggregateId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.version()))
                    .build();
            EventListener plain = EventListener.builder().on("Wallet.Funded", e -> standard.add(e.eventId())).build();
            EventListener audit = EventListener.builder().on("Wallet.Funded", e -> viaBus.add(e.eventId())).build();
            try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store)
                    .queue("projections.fifo", fifo).queue("notifications", plain)
                    .bus("domain-events").rule(e -> e.source().equals("billing"), "audit").listener("audit", audit)
                    .build()) {
                for (int a = 0; a < 5; a++) {
                    append("w" + a, 7, "Wallet.Funded");
                }
                runtime.drain();
                assertThat(standard).hasSize(35).doesNotHaveDuplicates();
                assertThat(viaBus).hasSize(35).doesNotHaveDuplicates();
                assertThat(fifoOrder).hasSize(5).allSatisfy((k, v) -> assertThat(v).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L));
                assertThat(runtime.bus().orElseThrow().receivedEntries()).hasSize(35)
                        .allSatisfy(e -> assertThat(e.detailType()).isEqualTo("Wallet.Funded"));
                assertThat(runtime.queue("notifications").depth()).isZero();
            }
        }

        @Test
        void a_failing_message_is_delivered_again_and_then_dead_lettered_while_others_go_on() {
            AtomicInteger attempts = new AtomicInteger();
            List<String> handled = new CopyOnWriteArrayList<>();
            EventListener l = EventListener.builder().on("Wallet.Funded", e -> {
                if (e.aggregateId().equals("poison")) {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("poison");
                }
                handled.add(e.eventId());
            }).build();
            try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).maxReceives(3).queue("q", l).build()) {
                append("poison", 1, "Wallet.Funded");
                append("fine", 3, "Wallet.Funded");
                runtime.drain();
                assertThat(attempts).hasValue(3);
                assertThat(handled).hasSize(3);
                assertThat(runtime.queue("q").deadLetters()).singleElement().asString().contains("evt-poison-1");
            }
        }

        @Test
        void on_a_fifo_queue_a_failing_message_holds_back_the_rest_of_its_group_only() {
            AtomicInteger failuresLeft = new AtomicInteger(2);
            List<String> order = new CopyOnWriteArrayList<>();
            EventListener l = EventListener.builder().on("Wallet.Funded", e -> {
                if (e.eventId().equals("evt-a-2") && failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("transient");
                }
                order.add(e.eventId());
            }).build();
            try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue("q.fifo", l).build()) {
                append("a", 3, "Wallet.Funded");
                append("b", 2, "Wallet.Funded");
                runtime.drain();
            }
            assertThat(order.stream().filter(id -> id.startsWith("evt-a")).toList())
                    .containsExactly("evt-a-1", "evt-a-2", "evt-a-3");
            assertThat(order).contains("evt-b-1", "evt-b-2");
        }

        @Test
        void a_queue_without_listener_keeps_the_bodies_for_inspection() {
            try (EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue("inbox").build()) {
                append("a", 2, "Wallet.Funded");
                runtime.drain();
                assertThat(runtime.queue("inbox").acceptedBodies()).hasSize(2);
                assertThat(runtime.queue("inbox").depth()).isEqualTo(2);
            }
        }
    }

    @Nested
    class Closing {
        @Test
        void close_ends_the_threads_of_the_listeners_it_was_given_and_ignores_later_appends() throws Exception {
            List<Thread> workers = new CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch workerRan = new java.util.concurrent.CountDownLatch(1);
            EventListener l = EventListener.builder().concurrency(3).on("Wallet.Funded", e -> {
                if (Thread.currentThread().getName().startsWith("eventfold-listener-")) {
                    workers.add(Thread.currentThread());
                    workerRan.countDown();
                } else {
                    // The draining thread waits for a listener thread to take a group: the pool is really used.
                    workerRan.await(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }).build();
            EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue("q.fifo", l).build();
            for (int a = 0; a < 6; a++) {
                append("w" + a, 2, "Wallet.Funded");
            }
            runtime.drain();
            assertThat(workers).isNotEmpty();
            runtime.close();
            for (Thread t : workers) {
                t.join(5_000);
                assertThat(t.isAlive()).as(t.getName() + " alive after close").isFalse();
            }
            append("w0", 1, "Wallet.Funded");
            assertThat(runtime.drain()).isZero();
        }
    }

    @Nested
    class Background {
        @Test
        void started_it_handles_appends_until_closed() throws Exception {
            List<EventRecord> seen = new CopyOnWriteArrayList<>();
            EventListener l = EventListener.builder().on("Wallet.Funded", seen::add).build();
            EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue("q", l).build().start();
            append("a", 3, "Wallet.Funded");
            for (int i = 0; i < 500 && seen.size() < 3; i++) {
                Thread.sleep(10);
            }
            runtime.close();
            assertThat(seen).hasSize(3);
            append("a", 1, "Wallet.Funded");
            Thread.sleep(50);
            assertThat(seen).hasSize(3);
        }
    }
}
