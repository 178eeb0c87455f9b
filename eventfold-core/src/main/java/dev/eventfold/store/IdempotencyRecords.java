package dev.eventfold.store;

/**
 * When a store writes an idempotency record ({@code sk = IDEM#<key>}, ADR 0001) beside an append's
 * events. A record is a third item in the transaction (for a small event: 6 write units instead
 * of the reference runtime's 4) and buys one thing: an append repeated with the same key is
 * recognised whatever was appended since, from any process, for the record's lifetime.
 *
 * <pre>{@code
 * DynamoDbEventStore.builder().client(ddb).tableName("events")
 *     .idempotencyRecords(IdempotencyRecords.CALLER_KEYS)   // the default
 *     .build();
 * }</pre>
 */
public enum IdempotencyRecords {
    /**
     * For every append: each repeat is recognised by its record, at the cost of a third item in
     * every transaction.
     */
    ALWAYS,
    /**
     * Where the caller supplied the key or the event ids ({@link AppendRequest#callerKey()}):
     * commands, typed dispatchers with an idempotency key, request ids, resubmissions after a crash.
     * An append whose ids a dispatcher generated writes exactly the reference runtime's items; the
     * dispatcher recognises its own resends by the versions they claimed. The default.
     */
    CALLER_KEYS,
    /**
     * Never: exactly the reference runtime's items. A repeat is recognised only from the head's
     * {@code lastIdemKey} and the event at the versions it claimed.
     */
    NEVER;

    /** Whether an append of {@code request} writes its record. */
    public boolean recordFor(AppendRequest request) {
        return this == ALWAYS || this == CALLER_KEYS && request.callerKey();
    }
}
