package dev.eventfold.process;

import static dev.eventfold.process.Transfers.TRANSFER;
import static dev.eventfold.process.Transfers.WALLET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Any interleaving and duplication of the transfer process's inputs ends in the same state as one
 * in-order pass: same balances, same transfer streams event for event, same wallet events (each
 * once), and the money conserved. Funds always suffice, so which transfers fail or are compensated
 * (a frozen source or destination) does not depend on the order.
 */
class TransferPropertiesTest {
    static final int WALLETS = 4;
    static final long FUNDS = 1_000;

    record Transfer(String id, String from, String to, long amount) {
    }

    record Plan(List<Transfer> transfers, Set<String> frozen) {
    }

    /** What a run ends with: per wallet its balance and its events (type and transfer), per transfer its stream. */
    record End(Map<String, Long> balances, Map<String, List<String>> walletEvents, Map<String, List<String>> transfers) {
    }

    @Property(tries = 80)
    void any_interleaving_and_duplication_ends_as_one_in_order_pass(@ForAll @IntRange(min = 1, max = 6) int count,
                                                                   @ForAll long seed) {
        Plan plan = plan(new Random(seed), count);

        End inOrder = run(plan, null);
        End shuffled = run(plan, new Random(~seed));

        assertThat(shuffled).isEqualTo(inOrder);
        assertThat(inOrder.balances().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(WALLETS * FUNDS);
        assertThat(inOrder.transfers().values()).allSatisfy(stream -> assertThat(stream.get(stream.size() - 1))
                .isIn("Transfer.Completed", "Transfer.Compensated", "Transfer.Failed"));
    }

    static Plan plan(Random r, int count) {
        Set<String> frozen = new HashSet<>();
        for (int w = 0; w < WALLETS; w++) {
            if (r.nextInt(4) == 0) {
                frozen.add("w" + w);
            }
        }
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int from = r.nextInt(WALLETS);
            int to = (from + 1 + r.nextInt(WALLETS - 1)) % WALLETS;
            transfers.add(new Transfer("t" + i, "w" + from, "w" + to, 1 + r.nextInt(50)));
        }
        return new Plan(transfers, frozen);
    }

    /** Delivers every input; with {@code random}, in random order and a quarter of them again later. */
    static End run(Plan plan, Random random) {
        InMemoryEventStore store = new InMemoryEventStore();
        ProcessManager<Transfers.Transfer> manager = Transfers.manager(store, new InMemoryDeadlines());
        List<EventRecord> pending = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (Dispatcher dispatcher = Dispatcher.of(store)) {
            for (int w = 0; w < WALLETS; w++) {
                Transfers.fund(dispatcher, "w" + w, FUNDS);
                if (plan.frozen().contains("w" + w)) {
                    dispatcher.dispatchEvent(EventSpec.of("wallet", "w" + w, "Wallet.Frozen", Map.of()));
                }
            }
            for (Transfer t : plan.transfers()) {
                pending.add(Transfers.request(dispatcher, t.id(), t.from(), t.to(), t.amount()));
            }
        }
        for (int deliveries = 0; !pending.isEmpty(); deliveries++) {
            assertThat(deliveries).isLessThan(10_000);
            EventRecord next;
            if (random == null) {
                next = pending.remove(0);
            } else {
                int i = random.nextInt(pending.size());
                next = random.nextInt(4) == 0 ? pending.get(i) : pending.remove(i); // kept: delivered again later
            }
            ProcessOutcome o = manager.handle(next);
            assertThat(o.isFailure()).as("%s", o).isFalse();
            for (int w = 0; w < WALLETS; w++) {
                for (EventRecord e : store.readEvents(EventQuery.of(WALLET.ref("w" + w))).toList()) {
                    if (Transfers.transferId(e) != null && seen.add(e.eventId())) {
                        pending.add(e);
                    }
                }
            }
        }
        Map<String, Long> balances = new TreeMap<>();
        Map<String, List<String>> walletEvents = new TreeMap<>();
        for (int w = 0; w < WALLETS; w++) {
            Transfers.Wallet state = WALLET.initialState();
            List<String> events = new ArrayList<>();
            for (EventRecord e : store.readEvents(EventQuery.of(WALLET.ref("w" + w))).toList()) {
                state = WALLET.evolver().evolve(state, e);
                events.add(e.eventType() + " " + Transfers.transferId(e));
            }
            events.sort(null);
            balances.put("w" + w, state.balance());
            walletEvents.put("w" + w, events);
        }
        Map<String, List<String>> transfers = new TreeMap<>();
        for (Transfer t : plan.transfers()) {
            transfers.put(t.id(), store.readEvents(EventQuery.of(TRANSFER.ref(t.id()))).map(EventRecord::eventType)
                    .toList());
        }
        return new End(balances, walletEvents, transfers);
    }
}
