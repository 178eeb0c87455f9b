package dev.eventfold.core;

/**
 * A value that carries an {@link EventMetadata}: its fields read as the value's own
 * ({@code record.tenantId()} is {@code record.metadata().tenantId()}). Implemented by
 * {@code EventSpec}, {@link NewEvent}, {@link EventRecord} and {@code EventContext}.
 */
public interface CarriesMetadata {
    /** Tenant, correlation, causation and actor. */
    EventMetadata metadata();

    default String tenantId() {
        return metadata().tenantId();
    }

    default String correlationId() {
        return metadata().correlationId();
    }

    default String causationId() {
        return metadata().causationId();
    }

    default String actorId() {
        return metadata().actorId();
    }
}
