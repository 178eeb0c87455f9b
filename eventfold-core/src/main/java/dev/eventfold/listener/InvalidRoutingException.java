package dev.eventfold.listener;

import dev.eventfold.core.EventfoldException;
import java.util.Objects;

/**
 * A listener's handler table cannot be built: an alias cycle, an alias to a type with no
 * handler, a type registered twice. Thrown by {@link EventListener.Builder#build()}, never while
 * handling messages.
 */
public final class InvalidRoutingException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String eventType;

    public InvalidRoutingException(String eventType, String reason) {
        super("event type " + Objects.requireNonNull(eventType, "eventType") + ": " + reason);
        this.eventType = eventType;
    }

    /** The event type whose entry is wrong. */
    public String eventType() {
        return eventType;
    }
}
