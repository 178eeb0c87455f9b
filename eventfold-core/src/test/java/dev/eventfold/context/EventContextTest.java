package dev.eventfold.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventContextTest {
    static final EventContext A = EventContext.builder().correlationId("corr-a").actorId("user-a").build();
    static final EventContext B = EventContext.builder().correlationId("corr-b").tenantId("ten-b").build();

    @AfterEach
    void reset() {
        EventContext.reset();
    }

    @Nested
    class TheReferenceOperations {
        @Test
        void without_a_context_the_current_one_is_empty() {
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
            assertThat(EventContext.current().isEmpty()).isTrue();
        }

        @Test
        void set_replaces_and_reset_clears() {
            EventContext.set(A);
            assertThat(EventContext.current()).isEqualTo(A);

            EventContext.set(B);
            assertThat(EventContext.current()).isEqualTo(B);

            EventContext.reset();
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }

        @Test
        void append_merges_the_fields_it_sets_and_keeps_the_others() {
            EventContext.set(A);

            EventContext.append(EventContext.builder().causationId("evt-1").correlationId("corr-new").build());

            assertThat(EventContext.current()).isEqualTo(new EventContext("corr-new", "evt-1", "user-a", null));
        }

        @Test
        void blank_fields_count_as_absent() {
            EventContext c = new EventContext(" ", "", null, "ten");

            assertThat(c).isEqualTo(new EventContext(null, null, null, "ten"));
            assertThat(A.mergedWith(new EventContext("", null, null, null))).isEqualTo(A);
        }

        @Test
        void a_null_context_is_refused() {
            assertThatThrownBy(() -> EventContext.set(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class Scopes {
        @Test
        void a_scope_restores_what_was_current_before() {
            EventContext.set(A);

            EventContext inside = EventContext.supplyWith(B, EventContext::current);

            assertThat(inside).isEqualTo(B);
            assertThat(EventContext.current()).isEqualTo(A);
        }

        @Test
        void a_scope_restores_even_when_its_body_throws() {
            assertThatThrownBy(() -> EventContext.runWith(A, () -> {
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }

        @Test
        void scopes_nest() throws Exception {
            List<EventContext> seen = new ArrayList<>();

            EventContext.callWith(A, () -> {
                seen.add(EventContext.current());
                EventContext.runWith(B, () -> seen.add(EventContext.current()));
                seen.add(EventContext.current());
                return null;
            });

            assertThat(seen).containsExactly(A, B, A);
            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }

        @Test
        void set_inside_a_scope_does_not_outlive_it() {
            // A listener handler that calls set() must not leak into the next record.
            EventContext.runWith(A, () -> EventContext.set(B));

            assertThat(EventContext.current()).isEqualTo(EventContext.EMPTY);
        }
    }

    @Nested
    class Threads {
        @Test
        void each_thread_has_its_own_current_context() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CyclicBarrier together = new CyclicBarrier(2);
            try {
                Future<EventContext> a = pool.submit(() -> EventContext.callWith(A, () -> {
                    together.await();
                    together.await(); // the other thread has set B meanwhile
                    return EventContext.current();
                }));
                Future<EventContext> b = pool.submit(() -> EventContext.callWith(B, () -> {
                    together.await();
                    together.await();
                    return EventContext.current();
                }));

                assertThat(a.get()).isEqualTo(A);
                assertThat(b.get()).isEqualTo(B);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void a_wrapped_task_runs_with_the_context_of_its_submitter_and_leaves_the_thread_clean() throws Exception {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                AtomicReference<EventContext> inTask = new AtomicReference<>();
                EventContext.runWith(A, () -> pool.execute(EventContext.wrap(() -> inTask.set(EventContext.current()))));
                Future<EventContext> after = pool.submit(EventContext::current);

                assertThat(after.get()).isEqualTo(EventContext.EMPTY);
                assertThat(inTask.get()).isEqualTo(A);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void a_propagating_executor_carries_the_context_into_every_task() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                var executor = EventContext.propagating(pool);
                List<EventContext> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
                CountDownLatch done = new CountDownLatch(4);
                EventContext.runWith(A, () -> {
                    executor.execute(() -> { seen.add(EventContext.current()); done.countDown(); });
                    executor.execute(() -> { seen.add(EventContext.current()); done.countDown(); });
                });
                EventContext.runWith(B, () -> {
                    executor.execute(() -> { seen.add(EventContext.current()); done.countDown(); });
                    executor.execute(() -> { seen.add(EventContext.current()); done.countDown(); });
                });
                done.await();

                assertThat(seen).containsExactlyInAnyOrder(A, A, B, B);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
