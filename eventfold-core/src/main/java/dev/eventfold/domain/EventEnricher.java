package dev.eventfold.domain;

import dev.eventfold.context.EventContext;
import dev.eventfold.dispatch.EventSpec;

/**
 * Computes fields of every event a typed dispatcher sends, from the final event (its event id,
 * {@code occurredAt}, source and the context's fields already filled in) and the current
 * {@link EventContext}; runs on the calling thread before the append. What it returns is appended.
 *
 * <pre>{@code
 * EventEnricher tenantFromActor = (event, context) -> event.tenantId() != null ? event
 *     : event.toBuilder().tenantId(tenants.of(context.actorId())).build();
 * EventEnricher selfCorrelated = (event, context) -> event.correlationId() != null ? event
 *     : event.toBuilder().correlationId(event.eventId()).build();   // the event's own id
 * }</pre>
 */
@FunctionalInterface
public interface EventEnricher {
    EventSpec enrich(EventSpec event, EventContext context);
}
