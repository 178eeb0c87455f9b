package dev.eventfold.id;

import dev.eventfold.core.InvalidInputException;

/**
 * A ULID: 48 bits of Unix time in milliseconds, then 80 random bits, written as 26 characters
 * of Crockford base32 ({@code 01J9Z3K8Q4W5X6Y7Z8A9B0C1D2}). Ids sort by time as text and as values.
 *
 * <pre>{@code
 * Ulid id = Ulid.parse("01J9Z3K8Q4W5X6Y7Z8A9B0C1D2");
 * id.timestamp();   // milliseconds since the epoch
 * id.toString();    // the 26 characters again
 * }</pre>
 *
 * @param msb time (48 bits) and the first 16 random bits
 * @param lsb the last 64 random bits
 */
public record Ulid(long msb, long lsb) implements Comparable<Ulid> {
    /** Length of the text form. */
    public static final int LENGTH = 26;
    /** The largest timestamp 48 bits hold (year 10889). */
    public static final long MAX_TIMESTAMP = (1L << 48) - 1;
    /** Prefix of the event ids the dispatcher generates. */
    public static final String EVENT_ID_PREFIX = "evt-";

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
            VALUES[Character.toLowerCase(ALPHABET[i])] = (byte) i;
        }
    }

    /** A ULID from a timestamp and the 80 random bits (high 16 bits, low 64 bits). */
    public static Ulid of(long timestamp, int randomHigh16, long randomLow64) {
        if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
            throw new InvalidInputException("timestamp", timestamp + " is outside 0.." + MAX_TIMESTAMP);
        }
        return new Ulid((timestamp << 16) | (randomHigh16 & 0xFFFFL), randomLow64);
    }

    /** Parses the 26-character form; lower case is accepted. */
    public static Ulid parse(String text) {
        if (text == null || text.length() != LENGTH) {
            throw new InvalidInputException("ulid", "must be " + LENGTH + " characters of Crockford base32");
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0 || (i == 0 && v > 7)) {
                // The first character carries only the top 3 of 130 bits.
                throw new InvalidInputException("ulid", "not Crockford base32 at position " + i);
            }
            hi = (hi << 5) | (lo >>> 59);
            lo = (lo << 5) | v;
        }
        return new Ulid(hi, lo);
    }

    /** True for {@code evt-} followed by a well-formed ULID: the dispatcher's default event id. */
    public static boolean isEventId(String eventId) {
        if (eventId == null || !eventId.startsWith(EVENT_ID_PREFIX)) {
            return false;
        }
        try {
            parse(eventId.substring(EVENT_ID_PREFIX.length()));
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** Milliseconds since the Unix epoch. */
    public long timestamp() {
        return msb >>> 16;
    }

    /** The next ULID in sort order; carries into the timestamp when the random bits are all ones. */
    public Ulid increment() {
        long lo = lsb + 1;
        long hi = lo == 0 ? msb + 1 : msb;
        if (lo == 0 && hi == 0) {
            throw new IllegalStateException("ULID space exhausted");
        }
        return new Ulid(hi, lo);
    }

    public String toEventId() {
        return EVENT_ID_PREFIX + this;
    }

    @Override
    public int compareTo(Ulid other) {
        int c = Long.compareUnsigned(msb, other.msb);
        return c != 0 ? c : Long.compareUnsigned(lsb, other.lsb);
    }

    @Override
    public String toString() {
        char[] out = new char[LENGTH];
        long hi = msb;
        long lo = lsb;
        for (int i = LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | (hi << 59);
            hi >>>= 5;
        }
        return new String(out);
    }
}
