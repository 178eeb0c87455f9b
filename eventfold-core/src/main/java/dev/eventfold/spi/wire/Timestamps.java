package dev.eventfold.spi.wire;

import dev.eventfold.core.InvalidInputException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The timestamp format of the shared table: ISO-8601 UTC with milliseconds, as JavaScript's toISOString(). */
public final class Timestamps {
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** {@code 2026-11-27T16:05:59.123Z}: always three fraction digits, unlike {@link Instant#toString()}. */
    public static String format(Instant instant) {
        return MILLIS.format(instant);
    }

    /**
     * A caller-supplied timestamp in the wire format: any ISO-8601 instant (an offset, no or more
     * fraction digits) becomes UTC with exactly three fraction digits.
     */
    public static String normalize(String field, String value) {
        try {
            return format(java.time.OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidInputException(field, "not an ISO-8601 timestamp: " + value);
        }
    }
}
