package dev.eventfold.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Wire-only facts about a delivered event (WIRE.md section 6); never persisted. Every flag is
 * absent unless a runtime set it: {@code is...} methods answer false for an absent flag, the
 * {@code ...Flag()} methods tell absent from false, as the message body does.
 *
 * <pre>{@code
 * if (event.meta().isReplay()) { ... }          // republished by a recovery tool
 * if (event.meta().isStale()) { ... }           // the listener's process-degraded policy
 * }</pre>
 */
public final class EventMeta {
    public static final EventMeta NONE = new EventMeta(null, null, null);

    private final Boolean replay;
    private final Boolean stale;
    private final Long ageMs;

    private EventMeta(Boolean replay, Boolean stale, Long ageMs) {
        this.replay = replay;
        this.stale = stale;
        this.ageMs = ageMs;
    }

    /**
     * The meta block as a message carries it: each argument {@code null} when the attribute is absent.
     *
     * @param replay  {@code meta.replay}: true on events republished by a recovery tool
     * @param isStale {@code meta.isStale}: true when the listener's staleness policy said {@code process-degraded}
     * @param ageMs   {@code meta.ageMs}: the event's age when the listener looked at it, with {@code isStale}
     */
    public static EventMeta of(Boolean replay, Boolean isStale, Long ageMs) {
        return replay == null && isStale == null && ageMs == null ? NONE : new EventMeta(replay, isStale, ageMs);
    }

    public boolean isEmpty() {
        return replay == null && stale == null && ageMs == null;
    }

    /** True on events republished by a recovery tool ({@code meta.replay}). */
    public boolean isReplay() {
        return Boolean.TRUE.equals(replay);
    }

    /** True when the listener's staleness policy processed the event degraded ({@code meta.isStale}). */
    public boolean isStale() {
        return Boolean.TRUE.equals(stale);
    }

    /** {@code meta.replay} as the message carries it: empty when absent. */
    public Optional<Boolean> replayFlag() {
        return Optional.ofNullable(replay);
    }

    /** {@code meta.isStale} as the message carries it: empty when absent. */
    public Optional<Boolean> staleFlag() {
        return Optional.ofNullable(stale);
    }

    /** The event's age in milliseconds when the listener looked at it; empty unless a staleness policy ran. */
    public OptionalLong ageMs() {
        return ageMs == null ? OptionalLong.empty() : OptionalLong.of(ageMs);
    }

    public EventMeta withReplay(boolean value) {
        return new EventMeta(value, stale, ageMs);
    }

    public EventMeta withStaleness(boolean isStale, long ageMillis) {
        return new EventMeta(replay, isStale, ageMillis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventMeta m && Objects.equals(replay, m.replay) && Objects.equals(stale, m.stale)
                && Objects.equals(ageMs, m.ageMs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(replay, stale, ageMs);
    }

    @Override
    public String toString() {
        return "EventMeta[replay=" + replay + ", isStale=" + stale + ", ageMs=" + ageMs + "]";
    }
}
