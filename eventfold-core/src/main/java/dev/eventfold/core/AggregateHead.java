package dev.eventfold.core;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.Keys;

/**
 * The head item of an aggregate (WIRE.md section 3): where its stream stands.
 *
 * @param lastIdemKey idempotency key of the latest append; null if another writer left none
 * @param updatedAt   ISO-8601 text as stored; null if absent
 */
public record AggregateHead(AggregateRef aggregate, long currentVersion, String lastEventId, String lastIdemKey,
                            String updatedAt) {
    public AggregateHead {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        Keys.requireVersion(Attributes.CURRENT_VERSION, currentVersion);
    }

    public String pk() {
        return aggregate.pk();
    }
}
