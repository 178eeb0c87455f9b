package dev.eventfold.spi.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import dev.eventfold.internal.Utf8;

/**
 * The size of an item as DynamoDB counts it against its 400 KB item and 4 MB transaction limits,
 * from the item's plain JSON. Rules from "DynamoDB item sizes and formats" in the DynamoDB
 * Developer Guide: names and strings in UTF-8 bytes, numbers 1 byte per two significant digits
 * plus 1, booleans and nulls 1, lists and maps 3 plus 1 per element. Numbers are rounded up,
 * so the estimate errs towards refusing.
 */
public final class DynamoItemSize {
    /** 400 KB, as the service counts it. */
    public static final long MAX_ITEM_BYTES = 400L * 1024;
    /** TransactWriteItems: at most 4 MB of items in one transaction. */
    public static final long MAX_TRANSACTION_BYTES = 4L * 1024 * 1024;
    /** TransactWriteItems: at most 100 actions. */
    public static final int MAX_TRANSACTION_ITEMS = 100;

    private DynamoItemSize() {
    }

    public static long of(JsonNode item) {
        long size = 0;
        for (Map.Entry<String, JsonNode> e : item.properties()) {
            size += Utf8.length(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    private static long value(JsonNode v) {
        switch (v.getNodeType()) {
            case STRING:
                return Utf8.length(v.textValue());
            case NUMBER:
                return number(v.decimalValue());
            case BOOLEAN:
            case NULL:
                return 1;
            case ARRAY: {
                long s = 3;
                for (JsonNode element : v) {
                    s += 1 + value(element);
                }
                return s;
            }
            case OBJECT: {
                long s = 3;
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    s += 1 + Utf8.length(e.getKey()) + value(e.getValue());
                }
                return s;
            }
            case BINARY:
                try {
                    return v.binaryValue().length;
                } catch (java.io.IOException e) {
                    return Utf8.length(v.asText());
                }
            default:
                return 0;
        }
    }

    private static long number(BigDecimal n) {
        BigDecimal stripped = n.stripTrailingZeros();
        int digits = stripped.signum() == 0 ? 1 : stripped.precision();
        return (digits + 1) / 2 + 1;
    }
}
