package dev.eventfold.bench;

import dev.eventfold.spi.wire.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Records every {@code TransactWriteItems} a DynamoDB client executed: its actions, read from the
 * SDK request (a {@code Put} with the size of its item), and whether it landed or was cancelled.
 * One entry per execution, after the SDK's own retries; count attempts with {@code RequestCounter}.
 *
 * <pre>{@code
 * TransactWrites writes = new TransactWrites();
 * DynamoDbClient client = aws.dynamoDb(requests, writes);
 * ... // the measured phase
 * List<TransactWrites.Transaction> sent = writes.snapshot();
 * long wcu = sent.get(0).writeUnits(ItemSizes.scan(plainClient, table));
 * }</pre>
 */
public final class TransactWrites implements ExecutionInterceptor {
    public enum Outcome { LANDED, CANCELLED, FAILED }

    /** One action of a transaction; {@code putBytes} is present for a {@code Put} only. */
    public record Action(String kind, String pk, String sk, OptionalLong putBytes) {
    }

    public record Transaction(List<Action> actions, Outcome outcome) {
        public Transaction {
            actions = List.copyOf(actions);
        }

        /**
         * The write units of a transaction that landed, from the sizes of the items it wrote: a
         * {@code Put}'s item from the request, an {@code Update}'s from {@code table} read after
         * the phase (a head's size differs between its updates by a digit of the version, never
         * by a KB).
         */
        public long writeUnits(ItemSizes table) {
            if (outcome != Outcome.LANDED) {
                throw new IllegalStateException("write units are computed for landed transactions only");
            }
            long units = 0;
            for (Action a : actions) {
                long bytes = a.putBytes().isPresent() ? a.putBytes().getAsLong()
                        : table.bytes(a.pk(), a.sk()).orElseThrow(() -> new IllegalStateException(
                                "no item at " + a.pk() + " / " + a.sk() + " for its " + a.kind()));
                units += ItemSizes.transactionalWriteUnits(bytes);
            }
            return units;
        }
    }

    private final ConcurrentLinkedQueue<Transaction> executed = new ConcurrentLinkedQueue<>();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof TransactWriteItemsRequest r) {
            executed.add(new Transaction(actions(r), Outcome.LANDED));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof TransactWriteItemsRequest r) {
            Outcome o = context.exception() instanceof TransactionCanceledException ? Outcome.CANCELLED : Outcome.FAILED;
            executed.add(new Transaction(actions(r), o));
        }
    }

    /** The transactions executed since the last {@link #reset}, in the order they ended. */
    public List<Transaction> snapshot() {
        return List.copyOf(executed);
    }

    public long count(Outcome outcome) {
        return executed.stream().filter(t -> t.outcome() == outcome).count();
    }

    public void reset() {
        executed.clear();
    }

    private static List<Action> actions(TransactWriteItemsRequest r) {
        List<Action> out = new ArrayList<>(r.transactItems().size());
        for (TransactWriteItem i : r.transactItems()) {
            if (i.put() != null) {
                Map<String, AttributeValue> item = i.put().item();
                out.add(new Action("Put", s(item, Attributes.PK), s(item, Attributes.SK),
                        OptionalLong.of(ItemSizes.of(item))));
            } else if (i.update() != null) {
                out.add(new Action("Update", s(i.update().key(), Attributes.PK), s(i.update().key(), Attributes.SK),
                        OptionalLong.empty()));
            } else if (i.delete() != null) {
                out.add(new Action("Delete", s(i.delete().key(), Attributes.PK), s(i.delete().key(), Attributes.SK),
                        OptionalLong.empty()));
            } else {
                out.add(new Action("ConditionCheck", s(i.conditionCheck().key(), Attributes.PK),
                        s(i.conditionCheck().key(), Attributes.SK), OptionalLong.empty()));
            }
        }
        return out;
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? "" : v.s();
    }
}
