package dev.eventfold.bench.process;

import dev.eventfold.bench.ItemSizes;
import dev.eventfold.bench.TransactWrites;
import dev.eventfold.cli.demo.Transfers;
import dev.eventfold.cli.demo.Wallet;
import dev.eventfold.cli.demo.WalletEvents;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.domain.DomainDispatchers;
import dev.eventfold.dynamodb.DynamoDbEventStore;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.process.InMemoryDeadlines;
import dev.eventfold.process.ProcessManager;
import dev.eventfold.process.ProcessOutcome;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.RequestCounter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB requests per saga step: transfers of the demo's process manager
 * ({@link Transfers#processManager}) driven by hand, without a queue. The caller appends
 * {@code Transfer.Requested}; then each input, read from the store as a listener would receive it,
 * goes to {@code pm.handle(event)}, and each input once more (a redelivery) after the transfer
 * ended. Only the {@code handle} calls (and the caller's append) are counted, not the reads that
 * find the next input. Most transfers complete; every {@code compensatedEvery}-th goes to a frozen
 * wallet and is compensated.
 */
final class StepCost {
    static final String REQUEST = "caller: Transfer.Requested append";
    static final String DEBIT = "Transfer.Requested -> step Debiting + Debit command";
    static final String CREDIT = "Wallet.Withdrawn -> step Crediting + Credit command";
    static final String COMPLETE = "Wallet.Deposited -> step Completed";
    static final String CREDIT_REJECTED =
            "Wallet.Withdrawn -> step Crediting + Credit rejected -> step Refunding + Refund command";
    static final String COMPENSATE = "Wallet.Refunded -> step Compensated";
    static final String COMPLETED_TRANSFER = "completed transfer (3 steps + 2 commands)";
    static final String COMPENSATED_TRANSFER = "compensated transfer (4 steps + 2 commands, 1 rejected)";
    static final String AGAIN_REQUESTED = "redelivered Transfer.Requested";
    static final String AGAIN_WITHDRAWN = "redelivered Wallet.Withdrawn";
    static final String AGAIN_DEPOSITED = "redelivered Wallet.Deposited";
    static final String AGAIN_WITHDRAWN_REJECTED = "redelivered Wallet.Withdrawn (credit was rejected)";
    static final String AGAIN_REFUNDED = "redelivered Wallet.Refunded";
    private static final int WALLETS = 10;

    private final RequestCounter requests = new RequestCounter();
    private final TransactWrites writes = new TransactWrites();
    private final DynamoDbClient client;
    private final String table;
    private final DynamoDbEventStore store;
    private final ProcessManager<Transfers.Transfer> pm;
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    private StepCost(AwsTestEnvironment aws) {
        this.client = aws.dynamoDb(requests, writes);
        this.table = AwsTestEnvironment.uniqueName("bench-steps");
        EventTable.create(client, table);
        this.store = DynamoDbEventStore.builder().client(client).tableName(table).build();
        this.pm = Transfers.processManager(store, new InMemoryDeadlines());
        for (String label : List.of(REQUEST, DEBIT, CREDIT, COMPLETE, CREDIT_REJECTED, COMPENSATE, COMPLETED_TRANSFER,
                COMPENSATED_TRANSFER, AGAIN_REQUESTED, AGAIN_WITHDRAWN, AGAIN_DEPOSITED, AGAIN_WITHDRAWN_REJECTED,
                AGAIN_REFUNDED)) {
            tallies.put(label, new Tally(label));
        }
    }

    /** One cost per label above, in that order. */
    static List<Tally.Cost> measure(AwsTestEnvironment aws, int transfers, int compensatedEvery) {
        StepCost bench = new StepCost(aws);
        try {
            return bench.run(transfers, compensatedEvery);
        } finally {
            bench.client.deleteTable(r -> r.tableName(bench.table));
            bench.client.close();
        }
    }

    private List<Tally.Cost> run(int transfers, int compensatedEvery) {
        String frozen = "wal-steps-frozen";
        try (Dispatcher dispatcher = Dispatcher.of(store)) {
            WalletEvents wallets = DomainDispatchers.create(WalletEvents.class, dispatcher);
            for (int w = 0; w < WALLETS; w++) {
                wallets.funded(wallet(w), 1_000_000);
            }
            wallets.frozen(frozen);
            Transfers.Requests requested = DomainDispatchers.create(Transfers.Requests.class, dispatcher);
            for (int i = 0; i < transfers; i++) {
                boolean compensated = i % compensatedEvery == compensatedEvery - 1;
                String id = "tr-steps-" + i;
                String from = wallet(i % WALLETS);
                String to = compensated ? frozen : wallet((i + 1) % WALLETS);
                long cents = 100 + i;
                measure(REQUEST, () -> requested.requested(id, from, to, cents));
                transfer(id, from, to, compensated);
            }
        }
        ItemSizes sizes = ItemSizes.scan(client, table);
        return tallies.values().stream().map(t -> t.cost(sizes)).toList();
    }

    /** The inputs of one transfer, each handled once and then once more. */
    private void transfer(String id, String from, String to, boolean compensated) {
        List<Measured<ProcessOutcome>> steps = new ArrayList<>();
        EventRecord requested = first(Transfers.TYPE.ref(id), Transfers.REQUESTED, id);
        steps.add(handle(DEBIT, requested, ProcessOutcome.Status.STEPPED));
        EventRecord withdrawn = first(Wallet.TYPE.ref(from), Wallet.WITHDRAWN, id);
        steps.add(handle(compensated ? CREDIT_REJECTED : CREDIT, withdrawn, ProcessOutcome.Status.STEPPED));
        EventRecord last = compensated ? first(Wallet.TYPE.ref(from), Wallet.REFUNDED, id)
                : first(Wallet.TYPE.ref(to), Wallet.DEPOSITED, id);
        steps.add(handle(compensated ? COMPENSATE : COMPLETE, last, ProcessOutcome.Status.STEPPED));
        Map<String, Long> whole = new TreeMap<>();
        List<TransactWrites.Transaction> transactions = new ArrayList<>();
        for (Measured<ProcessOutcome> m : steps) {
            m.requests().forEach((op, n) -> whole.merge(op, n, Long::sum));
            transactions.addAll(m.transactions());
        }
        tallies.get(compensated ? COMPENSATED_TRANSFER : COMPLETED_TRANSFER).add(whole, transactions);

        handle(AGAIN_REQUESTED, requested, ProcessOutcome.Status.ALREADY_STEPPED);
        handle(compensated ? AGAIN_WITHDRAWN_REJECTED : AGAIN_WITHDRAWN, withdrawn,
                ProcessOutcome.Status.ALREADY_STEPPED);
        handle(compensated ? AGAIN_REFUNDED : AGAIN_DEPOSITED, last, ProcessOutcome.Status.ALREADY_STEPPED);
    }

    /** What one call returned and the requests it sent. */
    private record Measured<T>(T result, Map<String, Long> requests, List<TransactWrites.Transaction> transactions) {
    }

    private Measured<ProcessOutcome> handle(String label, EventRecord input, ProcessOutcome.Status expected) {
        Measured<ProcessOutcome> m = measure(label, () -> pm.handle(input));
        ProcessOutcome o = m.result();
        if (o.status() != expected) {
            throw new IllegalStateException(label + " of " + o.processId() + ": " + o.status() + ", expected " + expected
                    + o.failure().map(f -> " (" + f.reason() + ": " + f.detail() + ")").orElse(""));
        }
        return m;
    }

    private <T> Measured<T> measure(String label, Supplier<T> call) {
        requests.reset();
        writes.reset();
        T result = call.get();
        Measured<T> m = new Measured<>(result, requests.snapshot(), writes.snapshot());
        tallies.get(label).add(m.requests(), m.transactions());
        return m;
    }

    /** The event of {@code type} for {@code transferId} in {@code aggregate}'s stream: a listener's next input. */
    private EventRecord first(AggregateRef aggregate, String type, String transferId) {
        try (Stream<EventRecord> events = store.readEvents(EventQuery.of(aggregate))) {
            return events.filter(e -> e.eventType().equals(type))
                    .filter(e -> type.equals(Transfers.REQUESTED) || transferId.equals(Transfers.transferId(e)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no " + type + " for " + transferId + " in " + aggregate));
        }
    }

    private static String wallet(int w) {
        return "wal-steps-" + w;
    }
}
