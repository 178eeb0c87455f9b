package dev.eventfold.testkit.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Checks an event table after a fleet run with a raw, consistent {@code Scan} through the SDK, not
 * through the store under test, against WIRE.md's layout (its attribute names are written out
 * here on purpose: the check must not share code with what it checks). Per aggregate partition
 * ({@code pk} starting {@code AGG#}): event items at versions 1..n with no gap and each
 * {@code sk} matching its {@code version}; the head's {@code currentVersion} = n and its
 * {@code lastEventId} = the event at n. Over the table: no {@code eventId} on two event items.
 * Against the acknowledgements: every acknowledged event is at its acknowledged version with its id.
 *
 * <pre>{@code
 * FleetReport report = FleetVerifier.verify(ddb, table, result.acks());
 * assertThat(report.violations()).isEmpty();
 * report.unacknowledged(); // event ids in the table nobody acknowledged (a killed writer's last append, a give-up that had landed)
 * }</pre>
 */
public final class FleetVerifier {
    private static final String AGG_PREFIX = "AGG#";
    private static final String EVENT_SK_PREFIX = "EVT#";
    private static final String HEAD_SK = "HEAD";

    private FleetVerifier() {
    }

    public static FleetReport verify(DynamoDbClient client, String table, Collection<AckLog.Ack> acks) {
        Map<String, Partition> partitions = new TreeMap<>();
        client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
            String pk = s(item, "pk");
            if (pk == null || !pk.startsWith(AGG_PREFIX)) {
                return;
            }
            Partition p = partitions.computeIfAbsent(pk, Partition::new);
            String sk = s(item, "sk");
            if (HEAD_SK.equals(sk)) {
                p.head = item;
            } else if (sk != null && sk.startsWith(EVENT_SK_PREFIX)) {
                p.events.put(sk, item);
            }
        });
        List<FleetReport.Violation> violations = new ArrayList<>();
        Map<String, List<String>> whereIsId = new LinkedHashMap<>();
        Map<String, Map<Long, String>> idAt = new HashMap<>();
        int events = 0;
        for (Partition p : partitions.values()) {
            Map<Long, String> versions = new TreeMap<>();
            for (Map.Entry<String, Map<String, AttributeValue>> e : p.events.entrySet()) {
                events++;
                Map<String, AttributeValue> item = e.getValue();
                String id = s(item, "eventId");
                Long version = n(item, "version");
                String expectedSk = version == null ? null : EVENT_SK_PREFIX + String.format("%09d", version);
                if (version == null || !e.getKey().equals(expectedSk)) {
                    violations.add(new FleetReport.Violation(FleetReport.Kind.VERSION_MISMATCH, p.pk,
                            "item " + e.getKey() + " has version " + version));
                    continue;
                }
                versions.put(version, id);
                whereIsId.computeIfAbsent(id, k -> new ArrayList<>()).add(p.pk + " v" + version);
            }
            idAt.put(p.pk, versions);
            long n = versions.isEmpty() ? 0 : ((TreeMap<Long, String>) versions).lastKey();
            List<Long> missing = new ArrayList<>();
            for (long v = 1; v <= n; v++) {
                if (!versions.containsKey(v)) {
                    missing.add(v);
                }
            }
            if (!missing.isEmpty()) {
                violations.add(new FleetReport.Violation(FleetReport.Kind.GAP, p.pk,
                        "versions 1.." + n + " lack " + missing));
            }
            if (p.head == null) {
                if (n > 0) {
                    violations.add(new FleetReport.Violation(FleetReport.Kind.HEAD_MISSING, p.pk, n + " events, no head"));
                }
                continue;
            }
            Long current = n(p.head, "currentVersion");
            if (current == null || current != n) {
                violations.add(new FleetReport.Violation(FleetReport.Kind.HEAD_VERSION, p.pk,
                        "head currentVersion " + current + ", last event item at " + n));
            }
            String last = s(p.head, "lastEventId");
            if (n > 0 && !java.util.Objects.equals(last, versions.get(n))) {
                violations.add(new FleetReport.Violation(FleetReport.Kind.HEAD_LAST_EVENT, p.pk,
                        "head lastEventId " + last + ", event at " + n + " is " + versions.get(n)));
            }
        }
        Map<String, List<AckLog.Ack>> acksOf = new HashMap<>();
        for (AckLog.Ack a : acks) {
            acksOf.computeIfAbsent(a.eventId(), k -> new ArrayList<>()).add(a);
        }
        whereIsId.forEach((id, where) -> {
            if (where.size() > 1) {
                StringBuilder how = new StringBuilder();
                for (AckLog.Ack a : acksOf.getOrDefault(id, List.of())) {
                    how.append("; acknowledged by process ").append(a.process()).append(" item ").append(a.n())
                            .append(" at v").append(a.version()).append(" after ").append(a.attempts())
                            .append(" attempts, alreadyAppended ").append(a.alreadyAppended());
                }
                violations.add(new FleetReport.Violation(FleetReport.Kind.DUPLICATE_EVENT_ID, where.get(0).split(" ")[0],
                        id + " at " + where + (how.length() == 0 ? "; never acknowledged" : how)));
            }
        });
        Set<String> acknowledged = new TreeSet<>();
        for (AckLog.Ack a : acks) {
            acknowledged.add(a.eventId());
            String there = idAt.getOrDefault(a.pk(), Map.of()).get(a.version());
            if (there == null) {
                violations.add(new FleetReport.Violation(FleetReport.Kind.ACK_LOST, a.pk(),
                        a.eventId() + " acknowledged at v" + a.version() + " by process " + a.process()
                                + ", no event there" + elsewhere(whereIsId, a.eventId())));
            } else if (!there.equals(a.eventId())) {
                violations.add(new FleetReport.Violation(FleetReport.Kind.ACK_MISPLACED, a.pk(),
                        a.eventId() + " acknowledged at v" + a.version() + " by process " + a.process() + ", "
                                + there + " is there" + elsewhere(whereIsId, a.eventId())));
            }
        }
        List<String> unacknowledged = new ArrayList<>();
        whereIsId.forEach((id, where) -> {
            if (!acknowledged.contains(id)) {
                unacknowledged.add(id + " at " + where);
            }
        });
        return new FleetReport(partitions.size(), events, violations, unacknowledged);
    }

    private static String elsewhere(Map<String, List<String>> whereIsId, String id) {
        List<String> w = whereIsId.get(id);
        return w == null ? " (the id is nowhere in the table)" : " (the id is at " + w + ")";
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Long n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            return null;
        }
        try {
            return Long.parseLong(v.n());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final class Partition {
        final String pk;
        final Map<String, Map<String, AttributeValue>> events = new TreeMap<>();
        Map<String, AttributeValue> head;

        Partition(String pk) {
            this.pk = pk;
        }
    }
}
