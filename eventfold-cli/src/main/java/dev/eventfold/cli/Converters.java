package dev.eventfold.cli;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Argument types checked while the command line is parsed, so that bad input never reaches a request. */
final class Converters {
    private Converters() {
    }

    /** {@code TYPE/ID}, e.g. {@code wallet/wal_123}: the type may not hold '#' or '/', the id may hold '/'. */
    static final class Aggregate implements ITypeConverter<AggregateRef> {
        @Override
        public AggregateRef convert(String value) {
            int slash = value.indexOf('/');
            if (slash <= 0 || slash == value.length() - 1) {
                throw new TypeConversionException("expected TYPE/ID such as wallet/wal_123, got '" + value + "'");
            }
            try {
                return AggregateRef.of(value.substring(0, slash), value.substring(slash + 1));
            } catch (InvalidInputException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }

    /** An ISO-8601 instant, e.g. {@code 2026-11-27T10:00:00Z}. */
    static final class IsoInstant implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("expected an ISO-8601 instant such as 2026-11-27T10:00:00Z, got '"
                        + value + "'");
            }
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, or ISO-8601 such as {@code PT10S}. */
    static final class ShortDuration implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                Duration d = Duration.parse(value);
                if (d.isNegative()) {
                    throw new TypeConversionException("must not be negative: '" + value + "'");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("expected a duration such as 500ms, 10s, 2m or PT10S, got '" + value + "'");
            }
        }
    }
}
