package dev.eventfold.integrity;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.EventItems;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Checks raw table items (each as the plain JSON of a DynamoDB item, see
 * {@code AttributeValues.toJson}) and reports what is wrong, aggregate by aggregate:
 * <ul>
 *   <li>every item is well formed: an event has a numeric {@code version} equal to its sort key's,
 *       a non-blank {@code eventId} and {@code eventType}, {@code itemType = event}, and the
 *       aggregate of its partition key; a head has a numeric {@code currentVersion};</li>
 *   <li>versions run from 1 with no gap;</li>
 *   <li>no eventId appears twice in one aggregate;</li>
 *   <li>an aggregate with events has a head whose {@code currentVersion} and {@code lastEventId}
 *       are those of its last event.</li>
 * </ul>
 * Items may arrive in any order and from several threads (segments of a parallel scan): the
 * verdicts that need a whole aggregate are made in {@link #report()}. The same checker serves
 * one aggregate (its partition), a tenant (its aggregates' partitions) or the whole table.
 * Items of other shapes (snapshots, idempotency records {@code IDEM#}, checkpoints, other
 * partitions) are counted, not judged.
 *
 * <p>A whole-table check reads through a parallel Scan, which is not a point-in-time view: on a
 * live table it may see an aggregate's head before an append and its events after it. Such a
 * check calls {@link #report(Function)} with a consistent re-read of every flagged partition and
 * keeps only the defects that are still there.
 *
 * <pre>{@code
 * IntegrityChecker checker = new IntegrityChecker("aggregate wallet/wal_1");
 * items.forEach(checker::accept);
 * IntegrityReport report = checker.report();
 * }</pre>
 *
 * <p>Memory: the checker keeps each event's version and eventId until {@link #report()}.
 */
public final class IntegrityChecker {
    /** How many defects a report lists by default; all are counted. */
    public static final int DEFAULT_MAX_DEFECTS = 1000;

    private final String scope;
    private final int maxDefects;
    private final Map<String, Aggregate> aggregates = new HashMap<>();
    private final List<Defect> defects = new ArrayList<>();
    /** Item-level defects per aggregate partition, to drop them when the partition is re-checked. */
    private final Map<String, Long> itemDefectsByPk = new HashMap<>();
    private long defectCount;
    private long items;
    private long events;
    private long snapshots;
    private long others;

    public IntegrityChecker(String scope) {
        this(scope, DEFAULT_MAX_DEFECTS);
    }

    public IntegrityChecker(String scope, int maxDefects) {
        this.scope = Keys.requireNonBlank("scope", scope);
        if (maxDefects < 0) {
            throw new InvalidInputException("maxDefects", "must not be negative, was " + maxDefects);
        }
        this.maxDefects = maxDefects;
    }

    /** Checks every item of a stream and reports. */
    public static IntegrityReport check(String scope, Stream<? extends JsonNode> items) {
        IntegrityChecker c = new IntegrityChecker(scope);
        items.forEach(c::accept);
        return c.report();
    }

    /** Looks at one item. Thread-safe. Never throws for a bad item: that is a defect. */
    public synchronized void accept(JsonNode item) {
        items++;
        if (item == null || !item.isObject()) {
            defect(Defect.Kind.MALFORMED_ITEM, null, null, "not an object");
            return;
        }
        String pk = textOrNull(item, Attributes.PK);
        String sk = textOrNull(item, Attributes.SK);
        if (pk == null || sk == null) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, "pk and sk must be strings");
            return;
        }
        if (!pk.startsWith(Keys.PK_PREFIX)) {
            others++;
            return;
        }
        if (sk.equals(Keys.HEAD_SK)) {
            head(pk, item);
        } else if (sk.startsWith(Keys.EVENT_SK_PREFIX)) {
            event(pk, sk, item);
        } else if (sk.startsWith(Keys.SNAPSHOT_SK_PREFIX)) {
            snapshots++;
        } else {
            others++;
        }
    }

    private void head(String pk, JsonNode item) {
        Aggregate a = aggregate(pk);
        if (a == null) {
            return;
        }
        a.hasHead = true;
        JsonNode v = item.get(Attributes.CURRENT_VERSION);
        if (!isInteger(v)) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, Keys.HEAD_SK, "currentVersion: " + describe(v));
            return;
        }
        a.headVersion = v.longValue();
        a.headLastEventId = textOrNull(item, Attributes.LAST_EVENT_ID);
    }

    private void event(String pk, String sk, JsonNode item) {
        events++;
        long skVersion;
        try {
            skVersion = Keys.versionOf(sk);
            Keys.requireVersion("version", skVersion);
        } catch (InvalidInputException e) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, "sort key is not EVT# and a version of 9 digits");
            return;
        }
        Aggregate a = aggregate(pk);
        if (a == null) {
            return;
        }
        String eventId = textOrNull(item, "eventId");
        a.versions.put(skVersion, eventId == null ? "" : eventId);
        if (eventId != null && !eventId.isBlank()) {
            Long other = a.eventIds.putIfAbsent(eventId, skVersion);
            if (other != null) {
                defect(Defect.Kind.DUPLICATE_EVENT_ID, pk, Keys.eventSk(Math.max(other, skVersion)),
                        "eventId " + eventId + " is also at " + Keys.eventSk(Math.min(other, skVersion)));
            }
        }
        JsonNode v = item.get("version");
        if (!isInteger(v)) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, "version: " + describe(v));
            return;
        }
        if (v.longValue() != skVersion) {
            defect(Defect.Kind.VERSION_SK_MISMATCH, pk, sk, "version attribute is " + v.longValue());
            return;
        }
        JsonNode itemType = item.get(Attributes.ITEM_TYPE);
        if (itemType == null || !itemType.isTextual() || !Attributes.ITEM_TYPE_EVENT.equals(itemType.textValue())) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, "itemType: " + (itemType == null ? "missing"
                    : itemType.isTextual() ? "'" + itemType.textValue() + "', not 'event'" : describe(itemType))
                    + " (the stream fan-out forwards only itemType = event)");
            return;
        }
        EventRecord record;
        try {
            record = EventItems.fromJson(item);
        } catch (InvalidInputException e) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, e.getMessage());
            return;
        } catch (RuntimeException e) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, "unreadable: " + e.getClass().getSimpleName());
            return;
        }
        if (!record.pk().equals(pk)) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, sk, "aggregateType/aggregateId name " + record.pk());
        }
    }

    /** The report of everything accepted so far. */
    public synchronized IntegrityReport report() {
        return report(pk -> Optional.empty());
    }

    /**
     * The report of everything accepted so far, after a second look at each flagged aggregate:
     * for every aggregate partition with a defect, {@code recheck} is asked for a fresh report of
     * that partition alone (a consistent Query of its events and head); when it gives one, that
     * report's defects replace the partition's defects here. A defect seen by a scan that raced
     * an append (the head read before it, the events after it) is then dropped; one that persists
     * stays. Item counts stay those of this checker's own reads.
     *
     * @param recheck a partition key to the report of that partition read again, or empty to keep
     *                the defects found here
     */
    public synchronized IntegrityReport report(Function<String, Optional<IntegrityReport>> recheck) {
        Objects.requireNonNull(recheck, "recheck");
        Map<String, List<Defect>> byPk = new TreeMap<>();
        List<Defect> unkeyed = new ArrayList<>();
        long unlistedCount = defectCount - defects.size();
        for (Defect d : defects) {
            if (d.pk() != null && aggregates.containsKey(d.pk())) {
                byPk.computeIfAbsent(d.pk(), k -> new ArrayList<>()).add(d);
            } else {
                unkeyed.add(d);
            }
        }
        for (Map.Entry<String, Aggregate> e : new TreeMap<>(aggregates).entrySet()) {
            List<Defect> own = verdicts(e.getKey(), e.getValue());
            if (!own.isEmpty()) {
                byPk.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(own);
            }
        }
        // Flagged partitions: item-level defects (even unlisted ones) and whole-aggregate verdicts.
        for (String pk : itemDefectsByPk.keySet()) {
            byPk.computeIfAbsent(pk, k -> new ArrayList<>());
        }
        List<Defect> found = new ArrayList<>(unkeyed);
        long count = 0;
        for (Map.Entry<String, List<Defect>> e : byPk.entrySet()) {
            String pk = e.getKey();
            long scanned = e.getValue().size() + unlisted(pk, e.getValue());
            Optional<IntegrityReport> again = recheck.apply(pk);
            if (again.isPresent()) {
                found.addAll(again.get().defects());
                count += again.get().defectCount();
                unlistedCount -= unlisted(pk, e.getValue());
            } else {
                found.addAll(e.getValue());
                count += scanned - unlisted(pk, e.getValue());
            }
        }
        count += unkeyed.size() + unlistedCount;
        found.sort(Defect.ORDER);
        List<Defect> listed = found.size() > maxDefects ? found.subList(0, maxDefects) : found;
        return new IntegrityReport(scope, items, aggregates.size(), events, snapshots, others, listed,
                Math.max(count, listed.size()));
    }

    /** Item-level defects of this partition that were counted but not kept (past the list's cap). */
    private long unlisted(String pk, List<Defect> kept) {
        long itemLevel = itemDefectsByPk.getOrDefault(pk, 0L);
        long keptItemLevel = kept.stream().filter(d -> !isVerdict(d.kind())).count();
        return Math.max(0, itemLevel - keptItemLevel);
    }

    private static boolean isVerdict(Defect.Kind kind) {
        return kind == Defect.Kind.VERSION_GAP || kind == Defect.Kind.MISSING_HEAD
                || kind == Defect.Kind.HEAD_VERSION_MISMATCH || kind == Defect.Kind.HEAD_LAST_EVENT_MISMATCH;
    }

    /** The verdicts that need the whole aggregate: gaps and the head. */
    private static List<Defect> verdicts(String pk, Aggregate a) {
        List<Defect> own = new ArrayList<>();
        long expected = 1;
        for (long v : a.versions.keySet()) {
            if (v > expected) {
                own.add(new Defect(Defect.Kind.VERSION_GAP, pk, Keys.eventSk(expected),
                        v - expected == 1 ? "version " + expected + " is missing"
                                : "versions " + expected + " to " + (v - 1) + " are missing"));
            }
            expected = v + 1;
        }
        long last = a.versions.isEmpty() ? 0 : a.versions.lastKey();
        if (!a.hasHead && last > 0) {
            own.add(new Defect(Defect.Kind.MISSING_HEAD, pk, Keys.HEAD_SK, "events up to version " + last
                    + " but no head item"));
        } else if (a.headVersion != null) {
            if (a.headVersion != last) {
                own.add(new Defect(Defect.Kind.HEAD_VERSION_MISMATCH, pk, Keys.HEAD_SK, "head currentVersion "
                        + a.headVersion + ", last event version " + last));
            } else if (last > 0 && a.headLastEventId != null && !a.versions.get(last).isEmpty()
                    && !a.headLastEventId.equals(a.versions.get(last))) {
                own.add(new Defect(Defect.Kind.HEAD_LAST_EVENT_MISMATCH, pk, Keys.HEAD_SK, "head lastEventId "
                        + a.headLastEventId + ", last event's eventId " + a.versions.get(last)));
            }
        }
        return own;
    }

    private Aggregate aggregate(String pk) {
        Aggregate a = aggregates.get(pk);
        if (a != null) {
            return a;
        }
        int sep = pk.indexOf('#', Keys.PK_PREFIX.length());
        if (sep <= Keys.PK_PREFIX.length() || sep == pk.length() - 1) {
            defect(Defect.Kind.MALFORMED_ITEM, pk, null, "partition key is not AGG#<type>#<id>");
            return null;
        }
        a = new Aggregate();
        aggregates.put(pk, a);
        return a;
    }

    private void defect(Defect.Kind kind, String pk, String sk, String detail) {
        defectCount++;
        if (pk != null && aggregates.containsKey(pk)) {
            itemDefectsByPk.merge(pk, 1L, Long::sum);
        }
        // Keep a few more than listed: report() sorts before cutting.
        if (defects.size() < Math.max(maxDefects, 0) * 2L + 16) {
            defects.add(new Defect(kind, pk, sk, detail));
        }
    }

    private static boolean isInteger(JsonNode v) {
        return v != null && v.isNumber() && (v.isIntegralNumber() || v.decimalValue().stripTrailingZeros().scale() <= 0)
                && v.canConvertToLong();
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        if (v.isNumber()) {
            return "not an integer";
        }
        return "expected a number, found " + v.getNodeType();
    }

    private static String textOrNull(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** What the checker keeps of one aggregate until the report. */
    private static final class Aggregate {
        final TreeMap<Long, String> versions = new TreeMap<>();
        final Map<String, Long> eventIds = new HashMap<>();
        boolean hasHead;
        Long headVersion;
        String headLastEventId;
    }

    @Override
    public String toString() {
        return "IntegrityChecker[" + Objects.toString(scope) + "]";
    }
}
