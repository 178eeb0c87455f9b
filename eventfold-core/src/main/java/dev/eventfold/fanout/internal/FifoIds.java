package dev.eventfold.fanout.internal;

import dev.eventfold.internal.DerivedIds;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * MessageGroupId and MessageDeduplicationId values SQS accepts whatever the aggregateId and
 * eventId: SQS takes at most 128 characters of ASCII alphanumerics and the punctuation
 * {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}. A valid id is kept as it is (the reference's value,
 * WIRE.md section 6); any other (too long, spaces, non-ASCII) becomes {@code h-} followed by the
 * 64 hex digits of its SHA-256, the same for the same id in every process, so an aggregate keeps
 * one group and an event one deduplication id. The reference sends the raw ids, and SQS refuses
 * the entry; this is a deliberate difference in the spirit of WIRE.md's defect notes.
 *
 * <pre>{@code
 * FifoIds.of("wal_123")            // "wal_123"
 * FifoIds.of("wallet with spaces") // "h-3f1c..." (64 hex digits)
 * }</pre>
 */
public final class FifoIds {
    /** SQS: MessageGroupId and MessageDeduplicationId are at most 128 characters. */
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,"
            + MAX_LENGTH + "}");
    private static final String HASHED_PREFIX = "h-";

    private FifoIds() {
    }

    /** The id as SQS takes it: unchanged when valid, else its stable hash form. */
    public static String of(String id) {
        Objects.requireNonNull(id, "id");
        return isValid(id) ? id : hashed(HASHED_PREFIX, id);
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /**
     * {@code prefix} + the 64 lowercase hex digits of the SHA-256 of {@code text} (UTF-8); valid
     * for SQS when the prefix is at most 64 of the characters it accepts.
     */
    public static String hashed(String prefix, String text) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(text, "text");
        return prefix + HexFormat.of().formatHex(DerivedIds.sha256(text));
    }
}
