package dev.eventfold.core;

import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.Keys;

/**
 * Names one aggregate: its type and id. Validated so that its partition key
 * {@code AGG#<type>#<id>} is unambiguous (WIRE.md section 1).
 *
 * <pre>{@code
 * AggregateRef wallet = AggregateRef.of("wallet", "wal_123");
 * wallet.pk(); // "AGG#wallet#wal_123"
 * }</pre>
 */
public record AggregateRef(String aggregateType, String aggregateId) {

    public AggregateRef {
        aggregateType = Keys.requireAggregateType(aggregateType);
        aggregateId = Keys.requireNonBlank("aggregateId", aggregateId);
        Keys.pk(aggregateType, aggregateId); // the key must fit DynamoDB's key size limits
    }

    public static AggregateRef of(String aggregateType, String aggregateId) {
        return new AggregateRef(aggregateType, aggregateId);
    }

    /** Reads a partition key written by any runtime: {@code AGG#type#id}, id may contain '#'. */
    public static AggregateRef fromPk(String pk) {
        if (pk == null || !pk.startsWith(Keys.PK_PREFIX)) {
            throw new InvalidInputException(Attributes.PK, "not an aggregate partition key: " + pk);
        }
        int sep = pk.indexOf('#', Keys.PK_PREFIX.length());
        if (sep < 0) {
            throw new InvalidInputException(Attributes.PK, "no aggregate id in partition key: " + pk);
        }
        return new AggregateRef(pk.substring(Keys.PK_PREFIX.length(), sep), pk.substring(sep + 1));
    }

    public String pk() {
        return Keys.pk(aggregateType, aggregateId);
    }

    @Override
    public String toString() {
        return aggregateType + "/" + aggregateId;
    }
}
