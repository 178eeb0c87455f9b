package dev.eventfold.internal;

import dev.eventfold.core.InvalidInputException;

/**
 * The checks of configuration setters: bad configuration is an {@link InvalidInputException}
 * naming the field, whether a setter finds it (null) or {@code build()} does (anything else).
 *
 * <pre>{@code
 * public Builder clock(Clock v) {
 *     this.clock = Checks.notNull(v, "clock");
 *     return this;
 * }
 * }</pre>
 */
public final class Checks {
    private Checks() {
    }

    /** {@code value}, or an {@link InvalidInputException} naming {@code field} when it is null. */
    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new InvalidInputException(field, "must not be null");
        }
        return value;
    }
}
