package dev.eventfold.reaction;

import java.util.List;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.internal.Checks;
import dev.eventfold.spi.wire.Keys;

/**
 * "On an event of type {@code eventType}, dispatch what {@code function} returns", under a name
 * that is part of the outgoing events' ids: the same incoming event always yields the same outgoing
 * ids, so a second delivery is recognised as already reacted. Renaming a reaction changes those
 * ids: events delivered again after a rename would be reacted to again.
 *
 * <pre>{@code
 * Reaction reserve = Reaction.on("Order.Placed", "reserve-stock", placed -> List.of(
 *     EventSpec.of("stock", placed.payload().get("sku").asText(), "Stock.Reserved", placed.payload())));
 * }</pre>
 *
 * @param name      stable, unique within a {@link Reactor}; no line breaks
 * @param eventType the incoming events' type
 */
public record Reaction(String name, String eventType, ReactionFunction function) {
    public Reaction {
        name = Keys.requireNonBlank("name", name);
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new InvalidInputException("name", "must not contain a line break");
        }
        eventType = Keys.requireNonBlank("eventType", eventType);
        Checks.notNull(function, "function");
    }

    public static Reaction on(String eventType, String name, ReactionFunction function) {
        return new Reaction(name, eventType, function);
    }

    /**
     * A reaction that dispatches itself, e.g. through a typed dispatcher; its dispatches get derived
     * ids ({@link ReactionBody}). Its outcome counts what they appended.
     */
    public static Reaction dispatching(String eventType, String name, ReactionBody body) {
        Checks.notNull(body, "body");
        return new Reaction(name, eventType, incoming -> {
            body.react(incoming);
            return List.of();
        });
    }
}
