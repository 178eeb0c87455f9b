package dev.eventfold.testkit.fleet;

import java.util.List;

/**
 * What {@link FleetVerifier} found: every violation, and (for information, not a violation) the
 * events in the table that no process acknowledged.
 *
 * <pre>{@code
 * FleetReport r = FleetVerifier.verify(ddb, table, acks);
 * r.violations(FleetReport.Kind.DUPLICATE_EVENT_ID); // the duplicates, each with where it sits
 * System.out.println(r.describe());
 * }</pre>
 */
public record FleetReport(int aggregates, int events, List<Violation> violations, List<String> unacknowledged) {
    public FleetReport {
        violations = List.copyOf(violations);
        unacknowledged = List.copyOf(unacknowledged);
    }

    /** What can be wrong. */
    public enum Kind {
        /** A version between 1 and the last event item has no item. */
        GAP,
        /** An event item's {@code sk} does not match its {@code version}. */
        VERSION_MISMATCH,
        /** Event items without a head item. */
        HEAD_MISSING,
        /** The head's {@code currentVersion} is not the last event item's version. */
        HEAD_VERSION,
        /** The head's {@code lastEventId} is not the id of the last event item. */
        HEAD_LAST_EVENT,
        /** One {@code eventId} on two event items: an event written twice. */
        DUPLICATE_EVENT_ID,
        /** An acknowledged event is not at its acknowledged version. */
        ACK_LOST,
        /** Another event sits at an acknowledged event's version. */
        ACK_MISPLACED
    }

    /** One finding, with the partition it concerns and what was seen. */
    public record Violation(Kind kind, String pk, String detail) {
        @Override
        public String toString() {
            return kind + " " + pk + ": " + detail;
        }
    }

    public boolean clean() {
        return violations.isEmpty();
    }

    public List<Violation> violations(Kind kind) {
        return violations.stream().filter(v -> v.kind() == kind).toList();
    }

    public String describe() {
        StringBuilder sb = new StringBuilder("table: ").append(aggregates).append(" aggregates, ").append(events)
                .append(" events, ").append(violations.size()).append(" violations, ")
                .append(unacknowledged.size()).append(" events nobody acknowledged\n");
        violations.forEach(v -> sb.append("  VIOLATION ").append(v).append('\n'));
        unacknowledged.forEach(u -> sb.append("  unacknowledged ").append(u).append('\n'));
        return sb.toString();
    }
}
