package dev.eventfold.bench.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The workload of a transfer run, made from one seed: funded wallets, a few frozen wallets, and
 * transfers between random pairs. Every {@code frozenEvery}-th transfer goes to a frozen wallet (the
 * deposit is rejected and the process compensates); the others complete. A wallet is funded with
 * everything it will send plus a margin, so no withdrawal is ever short whatever order the
 * transfers run in: every outcome is known before the run.
 *
 * @param funding cents per wallet, frozen wallets included (0)
 */
record TransferPlan(List<String> wallets, List<String> frozen, Map<String, Long> funding, List<Transfer> transfers) {
    /** Cents a wallet holds beyond what it sends. */
    static final long MARGIN = 10_000;

    record Transfer(String id, String from, String to, long cents, boolean toFrozen) {
    }

    TransferPlan {
        wallets = List.copyOf(wallets);
        frozen = List.copyOf(frozen);
        funding = Map.copyOf(funding);
        transfers = List.copyOf(transfers);
    }

    /**
     * @param runId a prefix that keeps the ids of two runs apart
     * @param random the only source of randomness: the same seed, the same plan
     */
    static TransferPlan generate(String runId, int walletCount, int frozenCount, int transferCount, int frozenEvery,
                                 Random random) {
        List<String> wallets = new ArrayList<>();
        for (int i = 0; i < walletCount; i++) {
            wallets.add("wal-" + runId + "-" + i);
        }
        List<String> frozen = new ArrayList<>();
        for (int i = 0; i < frozenCount; i++) {
            frozen.add("wal-" + runId + "-frozen-" + i);
        }
        Map<String, Long> funding = new LinkedHashMap<>();
        wallets.forEach(w -> funding.put(w, MARGIN));
        frozen.forEach(w -> funding.put(w, 0L));
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < transferCount; i++) {
            String from = wallets.get(random.nextInt(walletCount));
            boolean toFrozen = frozenCount > 0 && i % frozenEvery == frozenEvery - 1;
            String to;
            if (toFrozen) {
                to = frozen.get(random.nextInt(frozenCount));
            } else {
                do {
                    to = wallets.get(random.nextInt(walletCount));
                } while (to.equals(from));
            }
            long cents = 100 + random.nextInt(9_901); // 1.00 to 100.00
            transfers.add(new Transfer("tr-" + runId + "-" + i, from, to, cents, toFrozen));
            funding.merge(from, cents, Long::sum);
        }
        return new TransferPlan(wallets, frozen, funding, transfers);
    }

    long totalFunded() {
        return funding.values().stream().mapToLong(Long::longValue).sum();
    }

    long toFrozenCount() {
        return transfers.stream().filter(Transfer::toFrozen).count();
    }

    /** Each wallet's balance once every transfer has ended: completed ones moved, compensated ones did not. */
    Map<String, Long> expectedBalances() {
        Map<String, Long> balances = new LinkedHashMap<>(funding);
        for (Transfer t : transfers) {
            if (!t.toFrozen()) {
                balances.merge(t.from(), -t.cents(), Long::sum);
                balances.merge(t.to(), t.cents(), Long::sum);
            }
        }
        return balances;
    }
}
