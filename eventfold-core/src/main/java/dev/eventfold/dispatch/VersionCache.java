package dev.eventfold.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The last version this dispatcher saw per aggregate, bounded, least recently used evicted.
 * A hint only: the store's optimistic concurrency check decides, so a stale entry costs one
 * conflict (which reports the actual version), never a wrong write.
 */
final class VersionCache {
    private final int capacity;
    private final Map<String, Long> versions; // guarded by this

    VersionCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.capacity = capacity;
        this.versions = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > VersionCache.this.capacity;
            }
        };
    }

    boolean enabled() {
        return capacity > 0;
    }

    synchronized OptionalLong get(String pk) {
        Long v = versions.get(pk);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** After an append landed: keep the highest version seen, since results of concurrent appends arrive in any order. */
    synchronized void observe(String pk, long version) {
        if (capacity > 0) {
            versions.merge(pk, version, Math::max);
        }
    }

    /** After a conflict: the store's word replaces whatever was cached. */
    synchronized void correct(String pk, long version) {
        if (capacity > 0) {
            versions.put(pk, version);
        }
    }

    synchronized void invalidate(String pk) {
        versions.remove(pk);
    }

    synchronized int size() {
        return versions.size();
    }

    int capacity() {
        return capacity;
    }
}
