package dev.eventfold.dynamodb.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.aggregate.AggregateRepository;
import dev.eventfold.aggregate.AggregateState;
import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.CommandHandler;
import dev.eventfold.aggregate.CommandRejectedException;
import dev.eventfold.aggregate.CommandResult;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.aggregate.Decision;
import dev.eventfold.aggregate.Snapshot;
import dev.eventfold.aggregate.SnapshotCodec;
import dev.eventfold.aggregate.SnapshotPolicy;
import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.core.Page;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.FaultInjector;
import dev.eventfold.testkit.FaultInjector.Fault;
import dev.eventfold.upcast.Upcasters;
import dev.eventfold.upcast.UpcastingEventStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Aggregates, snapshots, deciders and upcasters against DynamoDB (moto). */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregatesOnDynamoDbTest {
    record Wallet(long balance, int transactions) {
        static final Wallet EMPTY = new Wallet(0, 0);
    }

    record Withdraw(long amount) {
    }

    static Wallet evolve(Wallet w, EventRecord e) {
        long amount = e.payload().path("amount").longValue();
        return switch (e.eventType()) {
            case "Wallet.Funded" -> new Wallet(w.balance() + amount, w.transactions() + 1);
            case "Wallet.Withdrawn" -> new Wallet(w.balance() - amount, w.transactions() + 1);
            default -> w;
        };
    }

    static Decision withdraw(Withdraw c, Wallet w) {
        return w.balance() < c.amount() ? Decision.reject("insufficient_funds", null)
                : Decision.accept(DecidedEvent.of("Wallet.Withdrawn", Map.of("amount", c.amount())));
    }

    static final AggregateType<Wallet> PLAIN = AggregateType.<Wallet>builder("wallet").initialState(Wallet.EMPTY)
            .evolve(AggregatesOnDynamoDbTest::evolve).build();

    static AggregateType<Wallet> snapshotted(int every) {
        return AggregateType.<Wallet>builder("wallet").initialState(Wallet.EMPTY).evolve(AggregatesOnDynamoDbTest::evolve)
                .snapshots(SnapshotPolicy.everyEvents(every), SnapshotCodec.jackson(Wallet.class, 1)).build();
    }

    final FaultInjector faults = new FaultInjector();
    DynamoDbClient raw;
    String table;
    DynamoDbEventStore store;
    DynamoDbSnapshotStore snapshots;

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        raw = aws.dynamoDb();
        table = AwsTestEnvironment.uniqueName("agg");
        EventTable.create(raw, table);
        store = DynamoDbEventStore.builder().client(aws.dynamoDb(faults)).tableName(table).build();
        snapshots = DynamoDbSnapshotStore.builder().client(raw).tableName(table).build();
    }

    AggregateRef fresh() {
        return AggregateRef.of("wallet", "w-" + UUID.randomUUID());
    }

    static NewEvent event(String type, long amount) {
        return NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType(type).tenantId("t-snap")
                .payload(Map.of("amount", amount)).build();
    }

    void appendRandom(AggregateRef ref, int n, long seed) {
        Random r = new Random(seed);
        long v = store.currentVersion(ref);
        for (int i = 0; i < n; ) {
            List<NewEvent> batch = new ArrayList<>();
            for (int k = 1 + r.nextInt(3); k > 0 && i < n; k--, i++) {
                batch.add(r.nextBoolean() ? event("Wallet.Funded", r.nextInt(100)) : event("Wallet.Withdrawn", r.nextInt(30)));
            }
            v = store.appendEvents(ref, v, batch).version();
        }
    }

    @Nested
    class Snapshots {
        @Test
        void state_from_snapshot_plus_tail_equals_state_from_all_events() {
            var plain = AggregateRepository.builder(store, PLAIN).build();
            var snapped = AggregateRepository.builder(store, snapshotted(5)).snapshotStore(snapshots).build();
            for (long seed = 1; seed <= 3; seed++) {
                AggregateRef ref = fresh();
                appendRandom(ref, 9 + (int) seed, seed);
                snapped.writeSnapshot(snapped.load(ref));
                appendRandom(ref, 4, seed + 10);
                AggregateState<Wallet> fromSnapshot = snapped.load(ref);
                AggregateState<Wallet> fromEvents = plain.load(ref);
                assertThat(fromSnapshot.state()).isEqualTo(fromEvents.state());
                assertThat(fromSnapshot.version()).isEqualTo(fromEvents.version());
                assertThat(fromSnapshot.snapshotVersion()).isEqualTo(9 + seed);
                assertThat(fromSnapshot.eventsFolded()).isEqualTo(4);
            }
        }

        @Test
        void snapshot_items_live_in_the_partition_under_snap_and_no_listing_sees_them() {
            AggregateRef ref = fresh();
            appendRandom(ref, 3, 1);
            var repo = AggregateRepository.builder(store, snapshotted(1)).snapshotStore(snapshots).build();
            repo.writeSnapshot(repo.load(ref));

            Map<String, AttributeValue> item = raw.getItem(g -> g.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(ref.pk()), "sk", AttributeValue.fromS("SNAP#000000003"))))
                    .item();
            assertThat(item.get("itemType").s()).isEqualTo("snapshot");
            assertThat(item.get("version").n()).isEqualTo("3");
            assertThat(item).doesNotContainKey("tenantId");
            assertThat(store.readEvents(EventQuery.of(ref))).hasSize(3).allSatisfy(e -> assertThat(e.sk()).startsWith("EVT#"));
            assertThat(store.getHead(ref)).get().extracting(AggregateHead::currentVersion).isEqualTo(3L);
        }

        @Test
        void the_latest_snapshot_wins_and_old_ones_are_pruned() {
            AggregateRef ref = fresh();
            ObjectNode state = (ObjectNode) EventJson.toPayload(new Wallet(1, 1));
            for (long v = 1; v <= 4; v++) {
                snapshots.save(new Snapshot(ref, v, 1, state, null));
            }
            assertThat(snapshots.latest(ref)).get().extracting(Snapshot::version).isEqualTo(4L);
            long count = raw.query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ref.pk()))).select("COUNT")).count();
            assertThat(count).isEqualTo(2);
        }

        @Test
        void snapshots_are_written_by_the_policy_after_commands() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, event("Wallet.Funded", 1000));
            var repo = AggregateRepository.builder(store, snapshotted(3)).snapshotStore(snapshots).build();
            var h = CommandHandler.builder(repo, AggregatesOnDynamoDbTest::withdraw).build();
            h.handle(ref, "c1", new Withdraw(1));
            assertThat(snapshots.latest(ref)).isEmpty();
            h.handle(ref, "c2", new Withdraw(1));
            assertThat(snapshots.latest(ref)).get().extracting(Snapshot::version).isEqualTo(3L);
            assertThat(repo.load(ref).state()).isEqualTo(new Wallet(998, 3));
        }
    }

    @Nested
    class Commands {
        CommandHandler<Withdraw, Wallet> handler(EventStore s) {
            return CommandHandler.builder(AggregateRepository.builder(s, PLAIN).build(), AggregatesOnDynamoDbTest::withdraw).build();
        }

        @Test
        void a_concurrent_append_between_load_and_append_is_a_conflict_that_is_retried() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, event("Wallet.Funded", 100));
            AtomicInteger calls = new AtomicInteger();
            EventStore racing = new BeforeAppend(store, req -> {
                if (calls.getAndIncrement() == 0) {
                    store.appendEvent(ref, 1, event("Wallet.Funded", 5));
                }
            });
            CommandResult<Wallet> r = handler(racing).handle(ref, "cmd-1", new Withdraw(30));
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.version()).isEqualTo(3);
            assertThat(r.state().state()).isEqualTo(new Wallet(75, 3));
            assertThat(store.readEvents(EventQuery.of(ref))).extracting(EventRecord::eventType)
                    .containsExactly("Wallet.Funded", "Wallet.Funded", "Wallet.Withdrawn");
        }

        @Test
        void a_retried_command_appends_once() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, event("Wallet.Funded", 100));
            assertThat(handler(store).handle(ref, "cmd-1", new Withdraw(30)).outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            CommandResult<Wallet> again = handler(store).handle(ref, "cmd-1", new Withdraw(30));
            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(store.currentVersion(ref)).isEqualTo(2);
        }

        @Test
        void a_lost_transaction_response_lands_the_command_once() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, event("Wallet.Funded", 100));
            faults.next("TransactWriteItems", Fault.LOSE_RESPONSE, 4);
            CommandResult<Wallet> r;
            try {
                r = handler(store).handle(ref, "cmd-lost", new Withdraw(10));
            } finally {
                faults.clear();
            }
            assertThat(r.state().state()).isEqualTo(new Wallet(90, 2));
            assertThat(store.currentVersion(ref)).isEqualTo(2);
        }

        @Test
        void a_rejected_command_writes_nothing() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, event("Wallet.Funded", 10));
            AggregateHead before = store.getHead(ref).orElseThrow();
            assertThatThrownBy(() -> handler(store).handle(ref, "cmd-x", new Withdraw(50)))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.reasonCode()).isEqualTo("insufficient_funds"));
            assertThat(store.getHead(ref)).contains(before);
            List<String> sks = raw.query(q -> q.tableName(table).keyConditionExpression("pk = :pk").consistentRead(true)
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ref.pk())))).items().stream()
                    .map(i -> i.get("sk").s()).toList();
            // The seed append's event, head and idempotency record; nothing of cmd-x.
            assertThat(sks).hasSize(3).contains("EVT#000000001", "HEAD").noneMatch(sk -> sk.contains("cmd-x"));
        }
    }

    @Nested
    class RetriedCommandsPastTheLookBehind {
        static Decision fund(Long amount, Wallet w) {
            return Decision.accept(DecidedEvent.of("Wallet.Funded", Map.of("amount", amount)));
        }

        long items(AggregateRef ref) {
            return raw.query(q -> q.tableName(table).keyConditionExpression("pk = :pk").consistentRead(true)
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ref.pk()))).select("COUNT")).count();
        }

        @Test
        void a_command_retried_after_150_other_commands_and_15_snapshots_appends_once() {
            AggregateRef ref = fresh();
            var repo = AggregateRepository.builder(store, snapshotted(10)).snapshotStore(snapshots).build();
            var h = CommandHandler.builder(repo, RetriedCommandsPastTheLookBehind::fund).build();
            assertThat(h.handle(ref, "cmd-1", 100L).outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            for (int i = 0; i < 150; i++) {
                h.handle(ref, "other-" + i, 1L);
            }
            assertThat(snapshots.latest(ref)).get().extracting(Snapshot::version).isEqualTo(150L);

            CommandResult<Wallet> again = h.handle(ref, "cmd-1", 100L);

            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(store.currentVersion(ref)).isEqualTo(151);
            assertThat(repo.load(ref).state()).isEqualTo(new Wallet(250, 151));
        }

        @Test
        void a_command_rejected_now_but_handled_before_answers_already_handled_and_writes_nothing() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, event("Wallet.Funded", 100));
            var repo = AggregateRepository.builder(store, snapshotted(1)).snapshotStore(snapshots).build();
            var h = CommandHandler.builder(repo, AggregatesOnDynamoDbTest::withdraw).lookBehind(0).build();
            assertThat(h.handle(ref, "cmd-w", new Withdraw(100)).outcome()).isEqualTo(CommandResult.Outcome.APPENDED);
            AggregateHead head = store.getHead(ref).orElseThrow();
            long before = items(ref);

            CommandResult<Wallet> again = h.handle(ref, "cmd-w", new Withdraw(100));

            assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.ALREADY_HANDLED);
            assertThat(store.getHead(ref)).contains(head);
            assertThat(items(ref)).isEqualTo(before);
            assertThatThrownBy(() -> h.handle(ref, "cmd-w2", new Withdraw(100))).isInstanceOf(CommandRejectedException.class);
        }

        @Test
        void the_snapshot_written_after_a_command_in_an_old_schema_equals_a_full_fold() {
            AggregateRef ref = fresh();
            Upcasters centsToAmount = Upcasters.builder().register("Wallet.Funded", 1, p -> {
                ObjectNode o = p.deepCopy();
                o.put("amount", o.remove("amountCents").longValue() / 100);
                return o;
            }).build();
            UpcastingEventStore reads = new UpcastingEventStore(store, centsToAmount);
            var repo = AggregateRepository.builder(reads, snapshotted(2)).snapshotStore(snapshots).build();
            var h = CommandHandler.builder(repo, (Long cents, Wallet w) -> Decision.accept(
                    DecidedEvent.of("Wallet.Funded", Map.of("amountCents", cents)).withSchemaVersion(1))).build();
            h.handle(ref, "c1", 1_000L);
            h.handle(ref, "c2", 2_500L);

            Snapshot written = snapshots.latest(ref).orElseThrow();
            Wallet fullFold = AggregateRepository.builder(reads, PLAIN).build().load(ref).state();
            assertThat(written.version()).isEqualTo(2);
            assertThat(written.state()).isEqualTo(EventJson.toPayload(fullFold));
            assertThat(fullFold).isEqualTo(new Wallet(35, 2));
        }
    }

    @Nested
    class UpcastersOnEveryReadPath {
        final Upcasters upcasters = Upcasters.builder().register("Wallet.Funded", 1, p -> {
            ObjectNode o = p.deepCopy();
            o.put("amount", new BigDecimal(o.remove("amountCents").bigIntegerValue()).movePointLeft(2));
            return o;
        }).build();

        @Test
        void get_list_read_and_load_return_the_latest_shape_and_the_item_is_unchanged() {
            AggregateRef ref = fresh();
            store.appendEvent(ref, 0, NewEvent.builder().eventId("e1-" + ref.aggregateId()).eventType("Wallet.Funded")
                    .payload(Map.of("amountCents", 1250)).build());
            UpcastingEventStore up = new UpcastingEventStore(store, upcasters);
            var latest = EventJson.parse("{\"amount\":12.50}");
            assertThat(up.getEvent(ref, 1)).get().satisfies(e -> {
                assertThat(e.payload()).isEqualTo(latest);
                assertThat(e.schemaVersion()).isEqualTo(2);
            });
            assertThat(up.listEvents(EventQuery.of(ref)).data()).extracting(EventRecord::payload).containsExactly(latest);
            assertThat(up.readEvents(EventQuery.of(ref))).extracting(EventRecord::payload).containsExactly(latest);
            AggregateType<BigDecimal> sum = AggregateType.<BigDecimal>builder("wallet").initialState(BigDecimal.ZERO)
                    .evolve((s, e) -> s.add(e.payload().get("amount").decimalValue())).build();
            assertThat(AggregateRepository.builder(up, sum).build().load(ref).state()).isEqualByComparingTo("12.50");

            Map<String, AttributeValue> item = raw.getItem(g -> g.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(ref.pk()), "sk", AttributeValue.fromS("EVT#000000001")))).item();
            assertThat(item.get("schemaVersion").n()).isEqualTo("1");
            assertThat(item.get("payload").m()).containsOnlyKeys("amountCents");
        }
    }

    /** An EventStore that runs an action before each append, then delegates. */
    static final class BeforeAppend extends dev.eventfold.store.ForwardingEventStore {
        final Consumer<AppendRequest> before;

        BeforeAppend(EventStore d, Consumer<AppendRequest> before) {
            super(d);
            this.before = before;
        }

        @Override
        public AppendResult append(AppendRequest request) {
            before.accept(request);
            return super.append(request);
        }
    }
}
