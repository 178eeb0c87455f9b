package dev.eventfold.upcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.projection.InMemoryCheckpointStore;
import dev.eventfold.projection.Projector;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UpcastersTest {
    final AggregateRef wal = AggregateRef.of("wallet", "wal_1");

    /** v1 {amountCents} -> v2 {amount: decimal} -> v3 {amount, currency: "EUR"}. */
    static final Upcaster CENTS_TO_AMOUNT = p -> {
        ObjectNode o = p.deepCopy();
        o.put("amount", new BigDecimal(o.remove("amountCents").bigIntegerValue()).movePointLeft(2));
        return o;
    };
    static final Upcaster ADD_CURRENCY = p -> ((ObjectNode) p.deepCopy()).put("currency", "EUR");

    static Upcasters walletUpcasters() {
        return Upcasters.builder()
                .register("Wallet.Funded", 2, ADD_CURRENCY)
                .register("Wallet.Funded", 1, CENTS_TO_AMOUNT)
                .build();
    }

    static NewEvent v1Funded(String id, long cents) {
        return NewEvent.builder().eventId(id).eventType("Wallet.Funded").schemaVersion(1)
                .payload(Map.of("amountCents", cents)).build();
    }

    static final JsonNode LATEST_1250 = EventJson.parse("{\"amount\":12.50,\"currency\":\"EUR\"}");

    @Nested
    class Registration {
        @Test
        void a_chain_runs_every_step_from_the_stored_version_to_the_latest() {
            Upcasters u = walletUpcasters();
            EventRecord v1 = EventRecord.builder().aggregate(wal).version(1).eventId("e1").eventType("Wallet.Funded")
                    .schemaVersion(1).payload(EventJson.parse("{\"amountCents\":1250}")).build();
            EventRecord latest = u.upcast(v1);
            assertThat(latest.schemaVersion()).isEqualTo(3);
            assertThat(latest.payload()).isEqualTo(LATEST_1250);
            assertThat(v1.payload()).isEqualTo(EventJson.parse("{\"amountCents\":1250}"));
            assertThat(u.latestVersion("Wallet.Funded")).hasValue(3);
        }

        @Test
        void a_chain_with_a_gap_fails_when_registered() {
            var b = Upcasters.builder().register("Wallet.Funded", 1, CENTS_TO_AMOUNT).register("Wallet.Funded", 3, ADD_CURRENCY);
            assertThatThrownBy(b::build).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Wallet.Funded").hasMessageContaining("from schema 2");
        }

        @Test
        void registering_one_step_twice_fails() {
            var b = Upcasters.builder().register("Wallet.Funded", 1, CENTS_TO_AMOUNT);
            assertThatThrownBy(() -> b.register("Wallet.Funded", 1, ADD_CURRENCY)).isInstanceOf(InvalidInputException.class);
        }

        @Test
        void latest_events_newer_events_and_other_types_pass_unchanged() {
            Upcasters u = walletUpcasters();
            EventRecord v3 = EventRecord.builder().aggregate(wal).version(1).eventId("e").eventType("Wallet.Funded")
                    .schemaVersion(3).payload(LATEST_1250).build();
            EventRecord v9 = v3.withPayload(9, LATEST_1250);
            EventRecord other = EventRecord.builder().aggregate(wal).version(1).eventId("e").eventType("Wallet.Closed").build();
            assertThat(u.upcast(v3)).isSameAs(v3);
            assertThat(u.upcast(v9)).isSameAs(v9);
            assertThat(u.upcast(other)).isSameAs(other);
        }

        @Test
        void a_failing_step_is_a_typed_error_naming_the_event_not_its_payload() {
            Upcasters u = Upcasters.builder().register("Wallet.Funded", 1, p -> {
                throw new IllegalStateException("secret " + p);
            }).build();
            EventRecord v1 = EventRecord.builder().aggregate(wal).version(1).eventId("e1").eventType("Wallet.Funded")
                    .payload(EventJson.parse("{\"iban\":\"DE00\"}")).build();
            assertThatThrownBy(() -> u.upcast(v1)).isInstanceOfSatisfying(UpcastFailedException.class, e -> {
                assertThat(e.eventId()).isEqualTo("e1");
                assertThat(e.schemaVersion()).isEqualTo(1);
                assertThat(e.getMessage()).doesNotContain("DE00");
            });
        }

        @Test
        void an_event_older_than_the_chain_start_is_a_typed_error() {
            Upcasters u = Upcasters.builder().register("Wallet.Funded", 2, ADD_CURRENCY).build();
            EventRecord v1 = EventRecord.builder().aggregate(wal).version(1).eventId("e1").eventType("Wallet.Funded").build();
            assertThatThrownBy(() -> u.upcast(v1)).isInstanceOf(UpcastFailedException.class);
        }
    }

    @Nested
    class EveryReadPath {
        final InMemoryEventStore raw = new InMemoryEventStore();
        final UpcastingEventStore store = new UpcastingEventStore(raw, walletUpcasters());

        EveryReadPath() {
            raw.appendEvents(wal, 0, List.of(v1Funded("e1", 1250), v1Funded("e2", 1250)));
        }

        @Test
        void get_event_returns_the_latest_shape() {
            assertThat(store.getEvent(wal, 1)).get().satisfies(e -> {
                assertThat(e.schemaVersion()).isEqualTo(3);
                assertThat(e.payload()).isEqualTo(LATEST_1250);
            });
        }

        @Test
        void list_events_and_read_events_return_the_latest_shape() {
            assertThat(store.listEvents(EventQuery.of(wal).limit(1)).data()).extracting(EventRecord::payload)
                    .containsExactly(LATEST_1250);
            assertThat(store.readEvents(EventQuery.of(wal).limit(1))).extracting(EventRecord::payload)
                    .containsExactly(LATEST_1250, LATEST_1250);
        }

        @Test
        void aggregate_loads_fold_the_latest_shape() {
            AggregateType<BigDecimal> balance = AggregateType.<BigDecimal>builder("wallet").initialState(BigDecimal.ZERO)
                    .evolve((sum, e) -> sum.add(e.payload().get("amount").decimalValue())).build();
            assertThat(AggregateRepository.builder(store, balance).build().load(wal).state()).isEqualByComparingTo("25.00");
        }

        @Test
        void a_listener_can_apply_the_same_function_and_a_projector_upcasts_what_it_applies() {
            EventRecord delivered = raw.getEvent(wal, 1).orElseThrow();
            assertThat(walletUpcasters().asFunction().apply(delivered).payload()).isEqualTo(LATEST_1250);

            List<JsonNode> applied = new ArrayList<>();
            Projector p = Projector.builder("p", raw).handler(new InMemoryCheckpointStore(), e -> applied.add(e.payload()))
                    .upcasters(walletUpcasters()).build();
            p.handle(raw.getEvent(wal, 2).orElseThrow()); // version 1 is read from the store to fill the gap
            assertThat(applied).containsExactly(LATEST_1250, LATEST_1250);
        }

        @Test
        void stored_events_never_change() {
            store.readEvents(EventQuery.of(wal)).forEach(e -> { });
            assertThat(raw.readEvents(EventQuery.of(wal))).allSatisfy(e -> {
                assertThat(e.schemaVersion()).isEqualTo(1);
                assertThat(EventJson.write(e.payload())).isEqualTo("{\"amountCents\":1250}");
            });
        }

        @Test
        void appends_pass_through_untouched() {
            store.appendEvent(wal, 2, v1Funded("e3", 100));
            assertThat(raw.getEvent(wal, 3)).get().extracting(EventRecord::schemaVersion).isEqualTo(1);
        }
    }
}
