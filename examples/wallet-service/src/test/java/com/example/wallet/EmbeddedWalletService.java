package com.example.wallet;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.listener.QueueMessage;
import dev.eventfold.projection.InMemoryCheckpointStore;
import dev.eventfold.projection.Projector;
import dev.eventfold.runtime.EmbeddedRuntime;
import dev.eventfold.runtime.InMemoryQueue;
import dev.eventfold.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The service on Eventfold's embedded runtime: both Lambda handlers, built through their
 * injecting constructors on an in-memory event store, checkpoint store and read model. The
 * runtime plays the stream fan-out into an in-process FIFO queue; {@link #deliver()} plays the
 * SQS event source mapping, calling the listener's {@code handleRequest(SQSEvent, Context)}.
 */
final class EmbeddedWalletService implements AutoCloseable {
    static final String QUEUE = "wallet-events.fifo";

    final InMemoryEventStore store = new InMemoryEventStore();
    final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
    /** The read model: balance in cents per wallet. */
    final Map<String, Long> balances = new ConcurrentHashMap<>();
    final Projector projector = BalanceProjection.projector(store, checkpoints, change -> InMemoryCheckpointStore.write(
            () -> balances.merge(change.walletId(), change.delta(), Long::sum),
            () -> balances.merge(change.walletId(), -change.delta(), Long::sum)));
    final Dispatcher dispatcher = Dispatcher.of(store);
    final WalletApiHandler api = new WalletApiHandler(dispatcher);
    final BalanceProjectionHandler listener = new BalanceProjectionHandler(projector);
    // A queue without a listener of the runtime's: the test is its event source mapping.
    final EmbeddedRuntime runtime = EmbeddedRuntime.builder(store).queue(QUEUE).build();

    APIGatewayV2HTTPResponse deposit(String walletId, String requestId, long amount) {
        return api.handleRequest(LambdaEvents.post("deposits", walletId, money(requestId, amount)), null);
    }

    APIGatewayV2HTTPResponse withdraw(String walletId, String requestId, long amount) {
        return api.handleRequest(LambdaEvents.post("withdrawals", walletId, money(requestId, amount)), null);
    }

    static String money(String requestId, long amount) {
        return "{\"requestId\":\"" + requestId + "\",\"amount\":" + amount + "}";
    }

    InMemoryQueue queue() {
        return runtime.queue(QUEUE);
    }

    /** Fans out everything appended so far; the messages then wait in {@link #queue()}. */
    void fanOut() {
        runtime.drain();
    }

    /**
     * Fans out, then hands the queue to the listener's handler in batches of up to 10, deleting
     * what succeeded and making failures visible again, until the queue is empty or only
     * failures remain; returns every batch's response.
     */
    List<SQSBatchResponse> deliver() {
        fanOut();
        List<SQSBatchResponse> responses = new java.util.ArrayList<>();
        for (List<QueueMessage> batch = queue().receive(10); !batch.isEmpty(); batch = queue().receive(10)) {
            SQSBatchResponse response = handle(batch);
            responses.add(response);
            Set<String> failed = failedIds(response);
            batch.forEach(m -> {
                if (failed.contains(m.messageId())) {
                    queue().release(m.messageId());
                } else {
                    queue().acknowledge(m.messageId());
                }
            });
            if (!failed.isEmpty()) {
                break;
            }
        }
        return responses;
    }

    SQSBatchResponse handle(List<QueueMessage> batch) {
        SQSEvent event = LambdaEvents.sqs(batch);
        return listener.handleRequest(event, null);
    }

    static Set<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .collect(Collectors.toSet());
    }

    long balance(String walletId) {
        return balances.getOrDefault(walletId, 0L);
    }

    @Override
    public void close() {
        runtime.close();
        dispatcher.close();
    }
}
