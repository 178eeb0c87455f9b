package dev.eventfold.integrity;

import dev.eventfold.core.InvalidInputException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The result of an integrity check: what was looked at and what is wrong.
 *
 * <pre>{@code
 * IntegrityReport r = check.checkTable();
 * r.defects().forEach(System.out::println);
 * System.exit(r.exitCode());      // 0 clean, 1 defects found
 * }</pre>
 *
 * @param scope        what was checked, e.g. {@code table events}, {@code tenant t-1}, {@code aggregate wallet/wal_1}
 * @param defects      the defects, sorted by keys; at most the checker's {@code maxDefects}
 * @param defectCount  every defect found, including those past {@code maxDefects}
 * @param otherItems   items that are neither events, heads nor snapshots (checkpoints, other tools' items)
 */
public record IntegrityReport(String scope, long itemsChecked, long aggregatesChecked, long eventsChecked,
                              long snapshotsSeen, long otherItems, List<Defect> defects, long defectCount) {
    /** Exit code of a clean check. */
    public static final int EXIT_CLEAN = 0;
    /** Exit code when defects were found. */
    public static final int EXIT_DEFECTS = 1;

    public IntegrityReport {
        defects = List.copyOf(defects);
        if (defectCount < defects.size()) {
            throw new InvalidInputException("defectCount", defectCount + " < " + defects.size() + " listed defects");
        }
    }

    public boolean isClean() {
        return defectCount == 0;
    }

    /** True when more defects were found than listed. */
    public boolean truncated() {
        return defectCount > defects.size();
    }

    /** {@value #EXIT_CLEAN} when clean, {@value #EXIT_DEFECTS} otherwise: for scripts. */
    public int exitCode() {
        return isClean() ? EXIT_CLEAN : EXIT_DEFECTS;
    }

    /** Listed defects per kind. */
    public Map<Defect.Kind, Long> countsByKind() {
        Map<Defect.Kind, Long> m = new EnumMap<>(Defect.Kind.class);
        for (Defect d : defects) {
            m.merge(d.kind(), 1L, Long::sum);
        }
        return m;
    }

    public List<Defect> defectsOf(Defect.Kind kind) {
        return defects.stream().filter(d -> d.kind() == kind).toList();
    }

    /** One line for a terminal. */
    public String summary() {
        return scope + ": " + plural(aggregatesChecked, "aggregate") + ", " + plural(eventsChecked, "event") + ", "
                + (isClean() ? "no defects" : defectCount + " defect" + (defectCount == 1 ? "" : "s") + " " + countsByKind());
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
