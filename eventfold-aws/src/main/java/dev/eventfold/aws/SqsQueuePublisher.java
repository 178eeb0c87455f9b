package dev.eventfold.aws;

import dev.eventfold.fanout.EntryFailure;
import dev.eventfold.fanout.QueueEntry;
import dev.eventfold.fanout.QueuePublisher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Sends fan-out batches with SQS {@code SendMessageBatch}. Every entry listed in {@code Failed},
 * and any entry the response lists nowhere, is returned as a failure: nothing is dropped.
 * Failures with {@code SenderFault = false} (the service's side) are retryable.
 *
 * <pre>{@code
 * QueuePublisher sqs = new SqsQueuePublisher(SqsClient.create());
 * }</pre>
 */
public final class SqsQueuePublisher implements QueuePublisher {
    private final SqsClient sqs;

    public SqsQueuePublisher(SqsClient sqs) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
    }

    @Override
    public List<EntryFailure> send(String queueUrl, List<QueueEntry> entries) {
        List<SendMessageBatchRequestEntry> request = new ArrayList<>(entries.size());
        for (QueueEntry e : entries) {
            SendMessageBatchRequestEntry.Builder b = SendMessageBatchRequestEntry.builder().id(e.id()).messageBody(e.body());
            e.messageGroupId().ifPresent(b::messageGroupId);
            e.messageDeduplicationId().ifPresent(b::messageDeduplicationId);
            request.add(b.build());
        }
        SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(request));
        List<EntryFailure> failures = new ArrayList<>();
        Set<String> answered = new HashSet<>();
        for (SendMessageBatchResultEntry ok : response.successful()) {
            answered.add(ok.id());
        }
        for (BatchResultErrorEntry f : response.failed()) {
            answered.add(f.id());
            boolean senderFault = Boolean.TRUE.equals(f.senderFault());
            failures.add(new EntryFailure(f.id(), f.code(), f.message(), !senderFault));
        }
        for (QueueEntry e : entries) {
            if (!answered.contains(e.id())) {
                failures.add(new EntryFailure(e.id(), "NotInResponse", "neither successful nor failed", true));
            }
        }
        return failures;
    }
}
