package dev.eventfold.reaction;

import dev.eventfold.core.EventRecord;

/**
 * A reaction that dispatches its events itself, through a {@link dev.eventfold.dispatch.Dispatcher}
 * or a typed dispatcher ({@code DomainDispatchers}), instead of returning them: while it runs, every
 * dispatch it makes on the calling thread without an event id or idempotency key of its own gets ids
 * derived from the reaction's name, the incoming event and how many events of that type it dispatched
 * to that aggregate before (ADR 0007), so a second delivery makes the very same appends. Delivered
 * twice, it must dispatch the same events; what it dispatches from threads of its own gets fresh ids.
 *
 * <pre>{@code
 * Reaction.dispatching("Order.Placed", "reserve-stock",
 *     placed -> stock.reserved(placed.payloadAs(Placed.class).sku(), placed.aggregateId()));
 * }</pre>
 */
@FunctionalInterface
public interface ReactionBody {
    void react(EventRecord incoming) throws Exception;
}
