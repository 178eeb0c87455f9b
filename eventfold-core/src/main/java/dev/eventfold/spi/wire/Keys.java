package dev.eventfold.spi.wire;

import dev.eventfold.internal.Utf8;
import dev.eventfold.core.InvalidInputException;

/**
 * The key layout of the shared table (WIRE.md section 1): {@code pk = AGG#type#id},
 * event {@code sk = EVT#} + version padded to 9 digits, head {@code sk = HEAD}.
 */
public final class Keys {
    public static final String PK_PREFIX = "AGG#";
    public static final String EVENT_SK_PREFIX = "EVT#";
    public static final String HEAD_SK = "HEAD";
    /** Sort-key prefix of the idempotency records Eventfold writes beside the events (ADR 0001). */
    public static final String IDEMPOTENCY_SK_PREFIX = "IDEM#";
    /** Sort-key prefix of aggregate snapshots ({@code SNAP#} + version padded to 9 digits). */
    public static final String SNAPSHOT_SK_PREFIX = "SNAP#";
    /**
     * A partition key is the range key of the {@code tenantIndex} GSI, whose key attributes DynamoDB
     * limits to 1,024 bytes (the table's own partition key may have 2,048).
     */
    public static final int MAX_PK_BYTES = 1024;
    /** Sort keys: 1,024 bytes. */
    public static final int MAX_SK_BYTES = 1024;
    /** {@code tenantId} is the hash key of the {@code tenantIndex} GSI: 2,048 bytes. */
    public static final int MAX_TENANT_ID_BYTES = 2048;
    /** The 9-digit pad of the sort key cannot order anything larger. */
    public static final long MAX_VERSION = 999_999_999L;
    public static final String FIRST_EVENT_SK = EVENT_SK_PREFIX + "000000000";
    public static final String LAST_EVENT_SK = EVENT_SK_PREFIX + "999999999";

    private Keys() {
    }

    public static String pk(String aggregateType, String aggregateId) {
        String pk = PK_PREFIX + requireAggregateType(aggregateType) + "#" + requireNonBlank("aggregateId", aggregateId);
        return requireMaxBytes("aggregateId", pk, MAX_PK_BYTES);
    }

    /** {@code IDEM#<key>}: where the record of the append made with that idempotency key lives. */
    public static String idempotencySk(String idempotencyKey) {
        return requireMaxBytes("idempotencyKey", IDEMPOTENCY_SK_PREFIX + requireNonBlank("idempotencyKey", idempotencyKey),
                MAX_SK_BYTES);
    }

    public static String requireMaxBytes(String field, String value, int maxBytes) {
        long bytes = Utf8.length(value);
        if (bytes > maxBytes) {
            throw new InvalidInputException(field, "too long: the key it makes has " + bytes
                    + " bytes, DynamoDB allows " + maxBytes);
        }
        return value;
    }

    /** {@code EVT#000000042} for version 42; versions 0 and {@value #MAX_VERSION} bound listings. */
    public static String eventSk(long version) {
        if (version < 0 || version > MAX_VERSION) {
            throw new InvalidInputException("version", version + " is outside 0.." + MAX_VERSION
                    + " (the 9-digit sort key)");
        }
        String digits = Long.toString(version);
        return EVENT_SK_PREFIX + "000000000".substring(digits.length()) + digits;
    }

    /** The version of an event sort key, or an {@link InvalidInputException} for anything else. */
    public static long versionOf(String eventSk) {
        if (eventSk == null || eventSk.length() != 13 || !eventSk.startsWith(EVENT_SK_PREFIX)) {
            throw new InvalidInputException("sk", "not an event sort key: " + eventSk);
        }
        long v = 0;
        for (int i = 4; i < 13; i++) {
            char c = eventSk.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidInputException("sk", "not an event sort key: " + eventSk);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    public static long requireVersion(String field, long version) {
        if (version < 1 || version > MAX_VERSION) {
            throw new InvalidInputException(field, version + " is outside 1.." + MAX_VERSION
                    + " (the 9-digit sort key)");
        }
        return version;
    }

    public static String requireAggregateType(String aggregateType) {
        String t = requireNonBlank("aggregateType", aggregateType);
        if (t.indexOf('#') >= 0) {
            throw new InvalidInputException("aggregateType",
                    "'#' is not allowed: it makes the partition key AGG#type#id ambiguous");
        }
        return t;
    }

    /** {@code schemaVersion} counts payload shapes from 1. */
    public static int requireSchemaVersion(int schemaVersion) {
        if (schemaVersion < 1) {
            throw new InvalidInputException("schemaVersion", "must be at least 1, was " + schemaVersion);
        }
        return schemaVersion;
    }

    public static String requireNonBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, "must not be blank");
        }
        return value;
    }

    /** Null for null or blank, the value otherwise: optional attributes are omitted, never empty. */
    public static String optional(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
