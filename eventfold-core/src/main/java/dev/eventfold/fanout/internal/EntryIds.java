package dev.eventfold.fanout.internal;

import java.util.regex.Pattern;

/**
 * Batch entry ids SQS accepts whatever the eventId: {@code [A-Za-z0-9_-]}, at most 80 characters,
 * unique in the batch. The reference's {@code eventId-index} is kept when it is valid (WIRE.md
 * section 6); otherwise unsafe characters become {@code _} and the eventId part is cut so that
 * {@code -index} still fits, which alone keeps ids unique in a batch.
 */
public final class EntryIds {
    /** SQS: "can contain alphanumeric characters, hyphens and underscores", up to 80 characters. */
    public static final int MAX_LENGTH = 80;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

    private EntryIds() {
    }

    public static String of(String eventId, int indexInBatch) {
        if (indexInBatch < 0) {
            throw new IllegalArgumentException("indexInBatch must not be negative, was " + indexInBatch);
        }
        String suffix = "-" + indexInBatch;
        int room = MAX_LENGTH - suffix.length();
        StringBuilder b = new StringBuilder(Math.min(room, eventId.length()) + suffix.length());
        for (int i = 0; i < eventId.length() && b.length() < room; i++) {
            char c = eventId.charAt(i);
            boolean safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            b.append(safe ? c : '_');
        }
        return b.append(suffix).toString();
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("not a valid batch entry id: " + id);
        }
        return id;
    }
}
