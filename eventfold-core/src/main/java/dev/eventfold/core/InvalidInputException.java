package dev.eventfold.core;

import java.util.Objects;

/**
 * Input that can never succeed: a blank or ambiguous key part, a version outside the 9-digit
 * sort key, an item DynamoDB would refuse, a payload that is not JSON. Thrown before any
 * request is sent; never retried.
 */
public class InvalidInputException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidInputException(String field, String reason) {
        super(Objects.requireNonNull(field, "field") + ": " + reason);
        this.field = field;
    }

    /** The argument or attribute that was refused, for example {@code aggregateType}. */
    public String field() {
        return field;
    }
}
