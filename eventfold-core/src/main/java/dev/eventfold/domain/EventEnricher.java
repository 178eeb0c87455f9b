package dev.eventfold.domain;

import dev.eventfold.context.EventContext;
import dev.eventfold.dispatch.EventSpec;

/**
 * Computes fields of every event a typed dispatcher sends, from the event as declared and the
 * current {@link EventContext}; runs on the calling thread before the dispatch.
 *
 * <pre>{@code
 * EventEnricher tenantFromActor = (event, context) -> event.tenantId() != null ? event
 *     : event.toBuilder().tenantId(tenants.of(context.actorId())).build();
 * }</pre>
 */
@FunctionalInterface
public interface EventEnricher {
    EventSpec enrich(EventSpec event, EventContext context);
}
