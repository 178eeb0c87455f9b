package dev.eventfold.bench.process;

import dev.eventfold.cli.demo.Transfers;
import dev.eventfold.cli.demo.Wallet;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checks a finished run against its plan, from what the store holds: every transfer's stream ends
 * exactly once, as planned (completed, or compensated because its wallet is frozen); each source
 * wallet has exactly one withdrawal for it, each destination one deposit or the source one refund;
 * every wallet holds what the plan says; and the money is all there. Violations name transfers and
 * wallets, never payloads.
 */
final class TransferAudit {
    private static final int SHOWN = 10;

    /** What the audit found; {@link #check} throws before returning one with a violation. */
    record Result(int completed, int compensated, long fundedCents, long heldCents) {
    }

    private TransferAudit() {
    }

    static Result check(TransferPlan plan, EventStore store) {
        List<String> violations = new ArrayList<>();
        // wallet -> transferId -> count of each wallet event type
        Map<String, Map<String, Map<String, Integer>>> moves = new HashMap<>();
        Map<String, Long> held = new HashMap<>();
        for (String wallet : plan.funding().keySet()) {
            Map<String, Map<String, Integer>> byTransfer = new HashMap<>();
            long balance = 0;
            for (EventRecord e : read(store, Wallet.TYPE.ref(wallet))) {
                balance += Wallet.signedAmount(e);
                String transfer = Transfers.transferId(e);
                if (transfer != null) {
                    byTransfer.computeIfAbsent(transfer, t -> new HashMap<>()).merge(e.eventType(), 1, Integer::sum);
                }
            }
            moves.put(wallet, byTransfer);
            held.put(wallet, balance);
        }
        int completed = 0;
        int compensated = 0;
        for (TransferPlan.Transfer t : plan.transfers()) {
            List<EventRecord> stream = read(store, Transfers.TYPE.ref(t.id()));
            Transfers.Transfer state = Transfers.TYPE.initialState();
            long terminal = 0;
            for (EventRecord e : stream) {
                state = Transfers.TYPE.evolver().evolve(state, e);
                terminal += Endings.TERMINAL_TYPES.contains(e.eventType()) ? 1 : 0;
            }
            Transfers.Status planned = t.toFrozen() ? Transfers.Status.COMPENSATED : Transfers.Status.COMPLETED;
            if (terminal != 1 || state.status() != planned) {
                violations.add(t.id() + ": " + terminal + " terminal events, status " + state.status()
                        + ", planned " + planned);
                continue;
            }
            completed += planned == Transfers.Status.COMPLETED ? 1 : 0;
            compensated += planned == Transfers.Status.COMPENSATED ? 1 : 0;
            expect(violations, t.id(), t.from(), Wallet.WITHDRAWN, count(moves, t.from(), t.id(), Wallet.WITHDRAWN), 1);
            expect(violations, t.id(), t.to(), Wallet.DEPOSITED, count(moves, t.to(), t.id(), Wallet.DEPOSITED),
                    t.toFrozen() ? 0 : 1);
            expect(violations, t.id(), t.from(), Wallet.REFUNDED, count(moves, t.from(), t.id(), Wallet.REFUNDED),
                    t.toFrozen() ? 1 : 0);
        }
        Map<String, Long> expected = plan.expectedBalances();
        expected.forEach((wallet, cents) -> {
            if (held.get(wallet) != cents.longValue()) {
                violations.add(wallet + ": holds " + held.get(wallet) + " cents, planned " + cents);
            }
        });
        long heldTotal = held.values().stream().mapToLong(Long::longValue).sum();
        if (heldTotal != plan.totalFunded()) {
            violations.add("money not conserved: funded " + plan.totalFunded() + " cents, held " + heldTotal);
        }
        if (!violations.isEmpty()) {
            throw new IllegalStateException(violations.size() + " violations, first ones: "
                    + String.join("; ", violations.subList(0, Math.min(SHOWN, violations.size()))));
        }
        return new Result(completed, compensated, plan.totalFunded(), heldTotal);
    }

    private static void expect(List<String> violations, String transfer, String wallet, String type, int actual,
                               int planned) {
        if (actual != planned) {
            violations.add(transfer + ": " + actual + " x " + type + " on " + wallet + ", planned " + planned);
        }
    }

    private static int count(Map<String, Map<String, Map<String, Integer>>> moves, String wallet, String transfer,
                             String type) {
        return moves.getOrDefault(wallet, Map.of()).getOrDefault(transfer, Map.of()).getOrDefault(type, 0);
    }

    private static List<EventRecord> read(EventStore store, AggregateRef aggregate) {
        try (Stream<EventRecord> events = store.readEvents(EventQuery.of(aggregate))) {
            return events.toList();
        }
    }
}
