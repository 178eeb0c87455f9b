package dev.eventfold.bench;

import dev.eventfold.dynamodb.internal.AttributeValues;
import dev.eventfold.spi.wire.Attributes;
import dev.eventfold.spi.wire.DynamoItemSize;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Item sizes as DynamoDB counts them (the wire room's {@link DynamoItemSize}), and the write units
 * they cost in a transaction. An {@code Update} carries no item, so the size of what it wrote is
 * read back from the table: {@link #scan} after a measured phase.
 */
public final class ItemSizes {
    static final long KB = 1024;

    private final Map<String, Long> bytesByKey;

    private ItemSizes(Map<String, Long> bytesByKey) {
        this.bytesByKey = bytesByKey;
    }

    /** Every item of {@code table}, read with a consistent scan; send it on a client that counts nothing. */
    public static ItemSizes scan(DynamoDbClient client, String table) {
        Map<String, Long> sizes = new HashMap<>();
        for (Map<String, AttributeValue> item : client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
            sizes.put(key(item.get(Attributes.PK).s(), item.get(Attributes.SK).s()), of(item));
        }
        return new ItemSizes(sizes);
    }

    /** The size of the item now at this key, empty when there is none. */
    public OptionalLong bytes(String pk, String sk) {
        Long n = bytesByKey.get(key(pk, sk));
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }

    public static long of(Map<String, AttributeValue> item) {
        return DynamoItemSize.of(AttributeValues.toJson(item));
    }

    /**
     * A transactional write of an item of {@code bytes}: 2 WCU per KB, the item rounded up to the
     * next KB ("Capacity management for transactions", DynamoDB Developer Guide).
     */
    public static long transactionalWriteUnits(long bytes) {
        return 2 * Math.max(1, (bytes + KB - 1) / KB);
    }

    private static String key(String pk, String sk) {
        return pk + '\n' + sk;
    }
}
