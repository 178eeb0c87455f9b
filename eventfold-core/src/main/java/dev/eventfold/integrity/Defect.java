package dev.eventfold.integrity;

import dev.eventfold.core.InvalidInputException;
import java.util.Comparator;

/**
 * One thing wrong in the table, named by the item's keys. {@code pk} or {@code sk} is null only
 * when the item itself lacks it. {@code detail} never quotes a payload.
 */
public record Defect(Kind kind, String pk, String sk, String detail) {

    /** Defects sort by partition key, then sort key, then kind: reports read aggregate by aggregate. */
    public static final Comparator<Defect> ORDER = Comparator
            .comparing(Defect::pk, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Defect::sk, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Defect::kind);

    /** What is wrong. */
    public enum Kind {
        /** An item that cannot be read: a missing or mistyped attribute, a bad key. */
        MALFORMED_ITEM,
        /** An event item's {@code version} differs from the version in its sort key. */
        VERSION_SK_MISMATCH,
        /** Versions are missing between 1 and the last event. */
        VERSION_GAP,
        /** The same eventId is on two events of one aggregate. */
        DUPLICATE_EVENT_ID,
        /** An aggregate has events but no head item. */
        MISSING_HEAD,
        /** The head's {@code currentVersion} is not the last event's version. */
        HEAD_VERSION_MISMATCH,
        /** The head's {@code lastEventId} is not the last event's eventId. */
        HEAD_LAST_EVENT_MISMATCH
    }

    public Defect {
        if (kind == null) {
            throw new InvalidInputException("kind", "must not be null");
        }
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return kind + " pk=" + pk + " sk=" + sk + (detail.isEmpty() ? "" : ": " + detail);
    }
}
