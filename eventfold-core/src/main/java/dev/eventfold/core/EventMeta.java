package dev.eventfold.core;

/**
 * Wire-only facts about a delivered event (WIRE.md section 6); never persisted.
 *
 * @param replay  true on events republished by a recovery tool
 * @param isStale true when the listener's staleness policy said {@code process-degraded}
 * @param ageMs   the event's age when the listener looked at it, with {@code isStale}
 */
public record EventMeta(Boolean replay, Boolean isStale, Long ageMs) {
    public static final EventMeta NONE = new EventMeta(null, null, null);

    public boolean isEmpty() {
        return replay == null && isStale == null && ageMs == null;
    }

    public boolean isReplay() {
        return Boolean.TRUE.equals(replay);
    }

    public boolean stale() {
        return Boolean.TRUE.equals(isStale);
    }

    public EventMeta withReplay(boolean value) {
        return new EventMeta(value, isStale, ageMs);
    }

    public EventMeta withStaleness(boolean stale, long ageMillis) {
        return new EventMeta(replay, stale, ageMillis);
    }
}
