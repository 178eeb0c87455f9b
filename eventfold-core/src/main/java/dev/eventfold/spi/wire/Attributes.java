package dev.eventfold.spi.wire;

/**
 * Attribute names of the shared table's items (WIRE.md sections 1 to 3), and the item types
 * Eventfold and the TypeScript runtime write. Code outside this package names attributes only
 * through these constants.
 */
public final class Attributes {
    // Keys of every item, and of the tenantIndex GSI.
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String ITEM_TYPE = "itemType";
    public static final String TENANT_ID = "tenantId";

    // Event items (section 2); aggregateId and aggregateType are on heads too.
    public static final String AGGREGATE_ID = "aggregateId";
    public static final String AGGREGATE_TYPE = "aggregateType";
    public static final String VERSION = "version";
    public static final String EVENT_ID = "eventId";
    public static final String EVENT_TYPE = "eventType";
    public static final String SOURCE = "source";
    public static final String SCHEMA_VERSION = "schemaVersion";
    public static final String OCCURRED_AT = "occurredAt";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    public static final String ACTOR_ID = "actorId";
    public static final String PAYLOAD = "payload";
    /** Message bodies only (section 6): never stored. */
    public static final String META = "meta";

    // Head items (section 3).
    public static final String CURRENT_VERSION = "currentVersion";
    public static final String LAST_EVENT_ID = "lastEventId";
    public static final String LAST_IDEM_KEY = "lastIdemKey";
    public static final String UPDATED_AT = "updatedAt";

    // Idempotency records (Eventfold's, ADR 0001).
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";
    public static final String FIRST_VERSION = "firstVersion";
    public static final String LAST_VERSION = "lastVersion";
    public static final String CREATED_AT = "createdAt";
    /** Epoch seconds, for the table's TTL. */
    public static final String EXPIRES_AT = "expiresAt";

    /** The global secondary index by tenant: hash key {@code tenantId}, range key {@code pk}. */
    public static final String TENANT_INDEX = "tenantIndex";

    /** {@code itemType} of event items: the only items the stream fan-out forwards. */
    public static final String ITEM_TYPE_EVENT = "event";
    /** {@code itemType} of head items (the reference runtime's heads may lack it). */
    public static final String ITEM_TYPE_HEAD = "head";
    /** {@code itemType} of Eventfold's idempotency records ({@code sk = IDEM#key}). */
    public static final String ITEM_TYPE_IDEMPOTENCY = "idempotency";
    /** {@code itemType} of aggregate snapshots ({@code sk = SNAP#...}). */
    public static final String ITEM_TYPE_SNAPSHOT = "snapshot";
    /** {@code itemType} of projection checkpoints. */
    public static final String ITEM_TYPE_CHECKPOINT = "checkpoint";

    private Attributes() {
    }
}
