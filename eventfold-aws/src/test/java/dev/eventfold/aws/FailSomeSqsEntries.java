package dev.eventfold.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * A per-entry fault of SendMessageBatch, as SQS reports one: the first entry of every
 * {@code every}-th request of more than one entry to each of the given queues is taken out of the
 * request (so it really is not enqueued) and listed in the response's {@code Failed} with
 * {@code InternalError}. On a FIFO queue the first entry is the one the later entries of its
 * group must not overtake.
 */
final class FailSomeSqsEntries implements ExecutionInterceptor {
    private static final ExecutionAttribute<List<String>> REMOVED = new ExecutionAttribute<>("eventfold.removed");

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final int every;
    final AtomicInteger failedEntries = new AtomicInteger();
    final Map<String, AtomicInteger> failedPerQueue = new ConcurrentHashMap<>();

    FailSomeSqsEntries(List<String> queueUrls, int every) {
        queueUrls.forEach(q -> {
            requests.put(q, new AtomicInteger());
            failedPerQueue.put(q, new AtomicInteger());
        });
        this.every = every;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageBatchRequest r && requests.containsKey(r.queueUrl())
                && r.entries().size() > 1 && requests.get(r.queueUrl()).incrementAndGet() % every == 0) {
            List<SendMessageBatchRequestEntry> kept = new ArrayList<>(r.entries());
            SendMessageBatchRequestEntry removed = kept.remove(0);
            attributes.putAttribute(REMOVED, List.of(removed.id()));
            failedEntries.incrementAndGet();
            failedPerQueue.get(r.queueUrl()).incrementAndGet();
            return r.toBuilder().entries(kept).build();
        }
        return context.request();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        List<String> removed = attributes.getAttribute(REMOVED);
        if (removed != null && context.response() instanceof SendMessageBatchResponse r) {
            List<BatchResultErrorEntry> failed = new ArrayList<>(r.failed());
            removed.forEach(id -> failed.add(BatchResultErrorEntry.builder().id(id).code("InternalError")
                    .message("injected").senderFault(false).build()));
            return r.toBuilder().failed(failed).build();
        }
        return context.response();
    }
}
