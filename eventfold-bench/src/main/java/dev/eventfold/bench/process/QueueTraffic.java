package dev.eventfold.bench.process;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Messages, not requests, through an SQS client: entries sent by the fan-out, messages received by
 * the poller, and messages deleted after the listener handled them. Received but not deleted is
 * what the listener failed (delivered again after the visibility timeout); received more often than
 * sent is a redelivery.
 */
final class QueueTraffic implements ExecutionInterceptor {
    /** Message counts at one moment. */
    record Counts(long sent, long received, long deleted) {
    }

    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder deleted = new LongAdder();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.response() instanceof SendMessageBatchResponse s) {
            sent.add(s.successful().size());
        } else if (context.response() instanceof ReceiveMessageResponse r) {
            received.add(r.messages().size());
        } else if (context.response() instanceof DeleteMessageBatchResponse d) {
            deleted.add(d.successful().size());
        }
    }

    Counts counts() {
        return new Counts(sent.sum(), received.sum(), deleted.sum());
    }

    void reset() {
        sent.reset();
        received.reset();
        deleted.reset();
    }
}
