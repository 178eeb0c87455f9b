package dev.eventfold.cli;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.NewEvent;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.io.PrintWriter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The wallet story on the embedded runtime. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the wallet demo on the embedded in-memory runtime.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        InMemoryEventStore store = new InMemoryEventStore();
        AggregateRef wallet = AggregateRef.of("wallet", "wal_123");
        store.appendEvent(wallet, 0, NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType("Wallet.Funded")
                .source("billing").payload(Map.of("amount", 5000)).build());
        store.appendEvent(wallet, 1, NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType("Wallet.Withdrawn")
                .source("billing").payload(Map.of("amount", 1200)).build());
        long balance = 0;
        for (EventRecord e : store.readEvents(EventQuery.of(wallet)).toList()) {
            long amount = e.payload().get("amount").longValue();
            balance += e.eventType().equals("Wallet.Funded") ? amount : -amount;
            out.printf("v%d %-18s %6d  balance %6d%n", e.version(), e.eventType(), amount, balance);
        }
        out.flush();
        return 0;
    }
}
