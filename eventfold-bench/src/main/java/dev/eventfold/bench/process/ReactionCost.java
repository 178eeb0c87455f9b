package dev.eventfold.bench.process;

import dev.eventfold.bench.ItemSizes;
import dev.eventfold.bench.TransactWrites;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.reaction.ReactionFunction;
import dev.eventfold.reaction.ReactionOutcome;
import dev.eventfold.reaction.Reactor;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.RequestCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB requests per reaction: {@code Order.Placed} events (one per order aggregate, read back
 * from the store) go to a {@link Reactor} whose one reaction dispatches one event
 * ({@code Stock.Reserved}) or two ({@code Stock.Reserved}, {@code Invoice.Drafted}), to
 * {@value #TARGETS} stock and invoice aggregates that exist and whose versions the dispatcher
 * knows (as a warm process's would). Each incoming event is reacted to once, then again by the same
 * reactor (a redelivery to a warm process), then by a new dispatcher and reactor (a redelivery to
 * another process, whose version cache is empty).
 */
final class ReactionCost {
    static final int TARGETS = 20;
    static final String FIRST = "first delivery";
    static final String AGAIN = "redelivery, same process";
    static final String AGAIN_ELSEWHERE = "redelivery, new process (empty version cache)";

    private final RequestCounter requests = new RequestCounter();
    private final TransactWrites writes = new TransactWrites();
    private final DynamoDbClient client;
    private final String table;
    private final DynamoDbEventStore store;

    private ReactionCost(AwsTestEnvironment aws) {
        this.client = aws.dynamoDb(requests, writes);
        this.table = AwsTestEnvironment.uniqueName("bench-reactions");
        EventTable.create(client, table);
        this.store = DynamoDbEventStore.builder().client(client).tableName(table).build();
    }

    /** One row per outgoing count (1, 2) and delivery, samples = reactions. */
    static List<Tally.Cost> measure(AwsTestEnvironment aws, int reactions) {
        ReactionCost bench = new ReactionCost(aws);
        try {
            return bench.run(reactions);
        } finally {
            bench.client.deleteTable(r -> r.tableName(bench.table));
            bench.client.close();
        }
    }

    private List<Tally.Cost> run(int reactions) {
        List<EventRecord> incoming = placeOrders(reactions);
        List<Tally> tallies = new ArrayList<>();
        for (int outgoing = 1; outgoing <= 2; outgoing++) {
            String name = "reserve-" + outgoing;
            ReactionFunction function = reaction(outgoing);
            try (Dispatcher dispatcher = Dispatcher.of(store)) {
                createTargets(dispatcher, outgoing);
                Reactor reactor = Reactor.builder(dispatcher).on("Order.Placed", name, function).build();
                tallies.add(pass(reactor, incoming, outgoing, FIRST, ReactionOutcome.Status.REACTED));
                tallies.add(pass(reactor, incoming, outgoing, AGAIN, ReactionOutcome.Status.ALREADY_REACTED));
            }
            try (Dispatcher fresh = Dispatcher.of(store)) {
                Reactor reactor = Reactor.builder(fresh).on("Order.Placed", name, function).build();
                tallies.add(pass(reactor, incoming, outgoing, AGAIN_ELSEWHERE, ReactionOutcome.Status.ALREADY_REACTED));
            }
        }
        ItemSizes sizes = ItemSizes.scan(client, table);
        return tallies.stream().map(t -> t.cost(sizes)).toList();
    }

    private Tally pass(Reactor reactor, List<EventRecord> incoming, int outgoing, String delivery,
                        ReactionOutcome.Status expected) {
        Tally tally = new Tally(outgoing + " outgoing, " + delivery);
        for (EventRecord e : incoming) {
            requests.reset();
            writes.reset();
            List<ReactionOutcome> outcomes = reactor.react(e);
            tally.add(requests.snapshot(), writes.snapshot());
            ReactionOutcome o = outcomes.get(0);
            if (outcomes.size() != 1 || o.status() != expected || o.dispatched().size() != outgoing) {
                throw new IllegalStateException(tally.label() + ": reaction to " + e.eventId() + " was " + o.status()
                        + " with " + o.dispatched().size() + " events, expected " + expected + " with " + outgoing
                        + o.failure().map(f -> " (" + f.reason() + ": " + f.detail() + ")").orElse(""));
            }
        }
        return tally;
    }

    private static ReactionFunction reaction(int outgoing) {
        return placed -> {
            int n = placed.payload().path("n").asInt();
            String order = placed.aggregateId();
            List<EventSpec> out = new ArrayList<>(List.of(EventSpec.of("stock", "sku-" + n % TARGETS, "Stock.Reserved",
                    Map.of("order", order, "quantity", 1))));
            if (outgoing == 2) {
                out.add(EventSpec.of("invoice", "customer-" + n % TARGETS, "Invoice.Drafted",
                        Map.of("order", order, "cents", 1000 + n)));
            }
            return out;
        };
    }

    /** The targets exist, and {@code dispatcher} knows their versions: what a warm process has seen. */
    private static void createTargets(Dispatcher dispatcher, int outgoing) {
        for (int t = 0; t < TARGETS; t++) {
            dispatcher.dispatchEvent("stock", "sku-" + t, "Stock.Counted", Map.of("quantity", 1_000));
            if (outgoing == 2) {
                dispatcher.dispatchEvent("invoice", "customer-" + t, "Invoice.Opened", Map.of("customer", t));
            }
        }
    }

    /** One {@code Order.Placed} per order aggregate, as the store returns it. */
    private List<EventRecord> placeOrders(int n) {
        List<EventRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            AggregateRef order = AggregateRef.of("order", "o-" + i);
            store.appendEvent(order, 0, NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType("Order.Placed")
                    .source("shop").payload(Map.of("n", i, "sku", "sku-" + i % TARGETS)).build());
            try (Stream<EventRecord> events = store.readEvents(EventQuery.of(order))) {
                out.add(events.findFirst().orElseThrow());
            }
        }
        return out;
    }
}
