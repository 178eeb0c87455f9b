package dev.eventfold.aws;

import dev.eventfold.core.EventfoldException;
import java.util.Objects;

/**
 * A configured destination does not exist. Raised at start-up, because EventBridge accepts
 * PutEvents to a bus that does not exist and reports success: the events would be lost silently.
 */
public final class MissingDestinationException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String name;

    public MissingDestinationException(String kind, String name, Throwable cause) {
        super(Objects.requireNonNull(kind, "kind") + " " + Objects.requireNonNull(name, "name") + " does not exist", cause);
        this.kind = kind;
        this.name = name;
    }

    /** {@code bus} or {@code queue}. */
    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }
}
