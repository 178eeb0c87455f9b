package dev.eventfold.internal;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Ids derived from what they stand for, the same on every call: event ids from an idempotency key
 * (a command id, a typed dispatcher's request id), hashed SQS ids, transaction tokens. One hash
 * (SHA-256) and one alphabet (Crockford base 32) for all of them.
 *
 * <p>Why derived and not random: a command or a keyed dispatch may be handled twice (a queue
 * redelivers it, a caller retries after a lost response). With the same ids, the second attempt is
 * recognised at every level: the store sees a repeat of an append that landed (same idempotency
 * key and event ids) and writes nothing; a command handler finds the first event in the stream and
 * answers {@code ALREADY_HANDLED}; a FIFO queue's deduplication id (the event id) drops a second
 * copy. Random ids would turn each of these retries into a second, different event. The aggregate
 * is part of the hash so that a key reused on another aggregate gives other ids.
 *
 * <pre>{@code
 * DerivedIds.eventId(wallet, "cmd-42", 0)   // "evt-" + 26 characters, the same on every call
 * }</pre>
 */
public final class DerivedIds {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private DerivedIds() {
    }

    /**
     * {@code evt-} + 26 Crockford base-32 characters of SHA-256(aggregate pk, key, index): the shape
     * of the default ULID ids.
     */
    public static String eventId(AggregateRef aggregate, String key, int index) {
        Keys.requireNonBlank("key", key);
        if (index < 0) {
            throw new InvalidInputException("index", "must not be negative");
        }
        return "evt-" + base32(sha256(aggregate.pk() + "\n" + key + "\n" + index), 26);
    }

    /** The first {@code chars} Crockford base-32 characters of {@code bytes}, 5 bits each, most significant first. */
    public static String base32(byte[] bytes, int chars) {
        if (chars < 0 || chars * 5 > bytes.length * 8) {
            throw new IllegalArgumentException("chars: " + chars + " needs more than " + bytes.length + " bytes");
        }
        StringBuilder sb = new StringBuilder(chars);
        int bitPos = 0;
        for (int i = 0; i < chars; i++) {
            int value = 0;
            for (int b = 0; b < 5; b++, bitPos++) {
                int bit = (bytes[bitPos / 8] >> (7 - bitPos % 8)) & 1;
                value = (value << 1) | bit;
            }
            sb.append(CROCKFORD[value]);
        }
        return sb.toString();
    }

    /** SHA-256 of the UTF-8 bytes of {@code s}. */
    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
