package dev.eventfold.aggregate.internal;

import dev.eventfold.aggregate.CommandResult;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.spi.wire.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Event ids derived from a command: {@code evt-} + 26 Crockford base-32 characters of
 * SHA-256(aggregate pk, command id, index), the same shape as the default ULID ids.
 *
 * <p>Why derived and not random: a command may be handled twice (a queue redelivers it, a
 * caller retries after a lost response). With the same ids, the second attempt is recognised
 * at every level: the store sees a repeat of an append that landed (same idempotency key and
 * event ids) and writes nothing; the handler finds the command's first event in the stream and
 * answers {@link CommandResult.Outcome#ALREADY_HANDLED} without deciding again; and a FIFO
 * queue's deduplication id (the event id) drops a second copy. Random ids would turn each of
 * these retries into a second, different event. The aggregate is part of the hash so that a
 * command id reused on another aggregate gives other ids.
 *
 * <pre>{@code
 * CommandEventIds.of(wallet, "cmd-42", 0)   // "evt-" + 26 characters, the same on every call
 * }</pre>
 */
public final class CommandEventIds {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private CommandEventIds() {
    }

    public static String of(AggregateRef aggregate, String commandId, int index) {
        Keys.requireNonBlank("commandId", commandId);
        if (index < 0) {
            throw new InvalidInputException("index", "must not be negative");
        }
        byte[] hash = sha256(aggregate.pk() + "\n" + commandId + "\n" + index);
        // 26 characters of 5 bits = 130 bits, read from the first 17 bytes of the hash.
        StringBuilder sb = new StringBuilder(30).append("evt-");
        int bitPos = 0;
        for (int i = 0; i < 26; i++) {
            int value = 0;
            for (int b = 0; b < 5; b++, bitPos++) {
                int bit = (hash[bitPos / 8] >> (7 - bitPos % 8)) & 1;
                value = (value << 1) | bit;
            }
            sb.append(CROCKFORD[value]);
        }
        return sb.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
