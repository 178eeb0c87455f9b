package dev.eventfold.lambda;

import dev.eventfold.lambda.internal.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.eventfold.listener.BatchOutcome;
import dev.eventfold.listener.EventListener;
import dev.eventfold.listener.QueueMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SQS event listener as a Lambda handler ({@code SQSEvent} in, {@code SQSBatchResponse}
 * out): translates the batch for {@link EventListener} and its outcome into
 * {@code batchItemFailures}. Enable {@code ReportBatchItemFailures} on the event source mapping.
 *
 * <pre>{@code
 * public final class WalletProjector extends SqsListenerHandler {
 *     public WalletProjector() {
 *         super(EventListener.builder().on("Wallet.Funded", e -> ...).build());
 *     }
 * }
 * }</pre>
 */
public class SqsListenerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final EventListener listener;
    @SuppressWarnings("unused") // CRaC holds resources weakly: this field keeps the hook alive
    private final SnapStartPriming priming;

    public SqsListenerHandler(EventListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.priming = SnapStartPriming.register(this::prime);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return toResponse(listener.handle(toMessages(event)));
    }

    public static List<QueueMessage> toMessages(SQSEvent event) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<QueueMessage> out = new ArrayList<>(records.size());
        for (SQSEvent.SQSMessage m : records) {
            Map<String, String> attributes = m.getAttributes() == null ? Map.of() : m.getAttributes();
            out.add(new QueueMessage(m.getMessageId(), m.getBody(), attributes.get("MessageGroupId")));
        }
        return out;
    }

    public static SQSBatchResponse toResponse(BatchOutcome outcome) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        outcome.failedMessageIds().forEach(id -> failures.add(new SQSBatchResponse.BatchItemFailure(id)));
        return new SQSBatchResponse(failures);
    }

    /** Runs the listener path once on a message of a type no handler takes: classes load, no user code runs. */
    void prime() {
        listener.handle(List.of(new QueueMessage("priming", SnapStartPriming.PRIMING_EVENT_BODY, null)));
    }
}
