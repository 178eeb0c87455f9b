package dev.eventfold.upcast;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns the payload of one event type from one schema version into the next
 * ({@code schemaVersion} n into n + 1). Pure; must not change its argument (copy it with
 * {@code deepCopy()} first), since the same node may be read again.
 *
 * <pre>{@code
 * Upcaster centsToMoney = p -> {
 *     ObjectNode o = ((ObjectNode) p).deepCopy();
 *     o.set("amount", money(o.remove("amountCents")));
 *     return o;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Upcaster {
    JsonNode upcast(JsonNode payload);
}
