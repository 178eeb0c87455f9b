package dev.eventfold.upcast;

import dev.eventfold.core.EventfoldException;

/**
 * An event could not be brought to its type's latest schema: an upcaster threw, or the event's
 * schema version is older than the oldest registered step. Names the event, never its payload.
 */
public final class UpcastFailedException extends EventfoldException {
    private static final long serialVersionUID = 1L;

    private final String eventType;
    private final int schemaVersion;
    private final String eventId;

    public UpcastFailedException(String eventType, int schemaVersion, String eventId, String reason, Throwable cause) {
        super("event " + eventId + " (" + eventType + " schema " + schemaVersion + ") cannot be upcast: " + reason,
                cause);
        this.eventType = eventType;
        this.schemaVersion = schemaVersion;
        this.eventId = eventId;
    }

    public String eventType() {
        return eventType;
    }

    /** The schema version the failing step started from. */
    public int schemaVersion() {
        return schemaVersion;
    }

    public String eventId() {
        return eventId;
    }
}
