package dev.eventfold.testkit.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a {@link Fleet} run left behind: each writer process (a killed one and its resubmitting
 * successor are two runs), whether the kill happened, which items were resubmitted.
 *
 * <pre>{@code
 * FleetResult r = fleet.run();
 * r.badExits();          // empty when every process that was not killed exited 0
 * r.acks();              // every ack line of every run
 * r.describe();          // a few lines per process for the test log
 * }</pre>
 *
 * @param goAtMs  when the writers were released (epoch ms)
 * @param wallMs  from the release to the last exit, as seen by the launcher's polling
 */
public record FleetResult(List<Run> runs, boolean killed, List<Integer> resubmitted, boolean timedOut, long goAtMs,
                          long wallMs) {
    public FleetResult {
        runs = List.copyOf(runs);
        resubmitted = List.copyOf(resubmitted);
    }

    /**
     * One writer process.
     *
     * @param exitCode -1 when the fleet's deadline killed it
     */
    public record Run(int process, boolean resubmit, int exitCode, boolean killed, boolean timedOut, Path ackFile,
                      Path logFile, Properties summary) {
        public AckLog.Contents contents() {
            return AckLog.read(ackFile);
        }

        public long summaryLong(String key) {
            String v = summary.getProperty(key);
            return v == null ? 0 : Long.parseLong(v);
        }

        public String name() {
            return "w" + process + (resubmit ? "-resubmit" : "");
        }

        public String logTail() {
            return Fleet.tail(logFile);
        }
    }

    public List<AckLog.Ack> acks() {
        List<AckLog.Ack> out = new ArrayList<>();
        runs.forEach(r -> out.addAll(r.contents().acks()));
        return out;
    }

    public List<AckLog.GiveUp> giveUps() {
        List<AckLog.GiveUp> out = new ArrayList<>();
        runs.forEach(r -> out.addAll(r.contents().giveUps()));
        return out;
    }

    /** Runs that were not killed on purpose and did not exit 0, each with the tail of its log. */
    public List<String> badExits() {
        List<String> out = new ArrayList<>();
        for (Run r : runs) {
            if (!r.killed() && r.exitCode() != 0) {
                out.add(r.name() + " exited " + r.exitCode() + (r.timedOut() ? " (killed at the fleet deadline)" : "")
                        + ":\n" + r.logTail());
            }
        }
        return out;
    }

    /** Sum of a numeric summary entry over every run. */
    public long total(String key) {
        return runs.stream().mapToLong(r -> r.summaryLong(key)).sum();
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("fleet: ").append(runs.size()).append(" runs, wall ").append(wallMs).append(" ms")
                .append(killed ? ", one killed, resubmitted items " + resubmitted : ", no kill")
                .append(timedOut ? ", DEADLINE HIT" : "").append('\n');
        for (Run r : runs) {
            AckLog.Contents c = r.contents();
            sb.append("  ").append(r.name()).append(": exit ").append(r.exitCode())
                    .append(r.killed() ? " (killed -9)" : "").append(", acks ").append(c.acks().size())
                    .append(" (already appended ").append(c.acks().stream().filter(AckLog.Ack::alreadyAppended).count())
                    .append("), give-ups ").append(c.giveUps().size());
            if (!r.summary().isEmpty()) {
                sb.append(", requests ").append(r.summary().getProperty("requestsTotal"))
                        .append(", give-up classes ").append(r.summary().getProperty("giveUpClasses"));
            }
            sb.append('\n');
            for (AckLog.GiveUp g : c.giveUps()) {
                sb.append("    give-up item ").append(g.n()).append(' ').append(g.eventId()).append(" on ")
                        .append(g.aggregateId()).append(": ").append(g.exceptionClass()).append(": ")
                        .append(g.message()).append('\n');
            }
        }
        return sb.toString();
    }
}
