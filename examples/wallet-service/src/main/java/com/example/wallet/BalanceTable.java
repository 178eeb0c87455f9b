package com.example.wallet;

import com.example.wallet.BalanceProjection.BalanceChange;
import dev.eventfold.dynamodb.DynamoDbSettings;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The read model in DynamoDB: one item per wallet, {@code pk = WALLET#<walletId>}, {@code sk = BALANCE},
 * with {@code balance} (cents) and {@code version} (the last event applied). The projection's
 * checkpoints live in the same table ({@code pk = PROJ#balances#...}), so each change and its
 * checkpoint commit in one transaction.
 */
public final class BalanceTable {
    private final DynamoDbSettings settings;

    /** @param settings the read-model table and its client (built on first use when none is given) */
    public BalanceTable(DynamoDbSettings settings) {
        this.settings = settings;
    }

    /** A wallet's balance as the read model has it. */
    public record Balance(String walletId, long balance, long version) {
    }

    /** The write for one change: added to the balance, never set, so the item needs no read first. */
    public TransactWriteItem update(BalanceChange change) {
        return TransactWriteItem.builder().update(u -> u.tableName(settings.tableName())
                .key(key(change.walletId()))
                .updateExpression("ADD balance :delta SET walletId = :id, version = :version")
                .expressionAttributeValues(Map.of(
                        ":delta", AttributeValue.fromN(Long.toString(change.delta())),
                        ":id", AttributeValue.fromS(change.walletId()),
                        ":version", AttributeValue.fromN(Long.toString(change.version())))))
                .build();
    }

    public Optional<Balance> find(String walletId) {
        Map<String, AttributeValue> item = settings.client()
                .getItem(g -> g.tableName(settings.tableName()).key(key(walletId)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Balance(walletId, Long.parseLong(item.get("balance").n()),
                Long.parseLong(item.get("version").n())));
    }

    private static Map<String, AttributeValue> key(String walletId) {
        return Map.of("pk", AttributeValue.fromS("WALLET#" + walletId), "sk", AttributeValue.fromS("BALANCE"));
    }
}
