package dev.eventfold.aws;

import java.util.ArrayList;
import java.util.List;
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
 * {@code every}-th request to one queue is taken out of the request (so it really is not
 * enqueued) and listed in the response's {@code Failed} with {@code InternalError}.
 */
final class FailSomeSqsEntries implements ExecutionInterceptor {
    private static final ExecutionAttribute<List<String>> REMOVED = new ExecutionAttribute<>("eventfold.removed");

    private final String queueUrl;
    private final int every;
    private final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failedEntries = new AtomicInteger();

    FailSomeSqsEntries(String queueUrl, int every) {
        this.queueUrl = queueUrl;
        this.every = every;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageBatchRequest r && r.queueUrl().equals(queueUrl)
                && r.entries().size() > 1 && requests.incrementAndGet() % every == 0) {
            List<SendMessageBatchRequestEntry> kept = new ArrayList<>(r.entries());
            SendMessageBatchRequestEntry removed = kept.remove(0);
            attributes.putAttribute(REMOVED, List.of(removed.id()));
            failedEntries.incrementAndGet();
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
