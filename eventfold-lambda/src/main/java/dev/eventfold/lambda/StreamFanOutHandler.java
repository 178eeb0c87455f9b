package dev.eventfold.lambda;

import dev.eventfold.lambda.internal.LambdaImages;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eventfold.fanout.FanOutOutcome;
import dev.eventfold.fanout.StreamFanOut;
import dev.eventfold.fanout.StreamRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The stream fan-out as a Lambda handler ({@code DynamodbEvent} in, {@code StreamsEventResponse}
 * out): the images become plain JSON, {@link StreamFanOut} sends them, and the first record not
 * delivered everywhere becomes the one batch item failure, so Lambda retries from it. Enable
 * {@code ReportBatchItemFailures} on the event source mapping.
 *
 * <pre>{@code
 * public final class FanOut extends StreamFanOutHandler {
 *     public FanOut() { super(() -> StreamFanOut.builder()...build()); }
 * }
 * }</pre>
 */
public class StreamFanOutHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final Supplier<StreamFanOut> factory;
    private volatile StreamFanOut fanOut;

    /** @param factory builds the fan-out (and its SDK clients) on first use, not at construction */
    public StreamFanOutHandler(Supplier<StreamFanOut> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return toResponse(fanOut().handle(toRecords(event)));
    }

    protected StreamFanOut fanOut() {
        StreamFanOut f = fanOut;
        if (f == null) {
            synchronized (this) {
                if (fanOut == null) {
                    fanOut = factory.get();
                }
                f = fanOut;
            }
        }
        return f;
    }

    public static List<StreamRecord> toRecords(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null ? List.of()
                : event.getRecords();
        List<StreamRecord> out = new ArrayList<>(records.size());
        for (DynamodbEvent.DynamodbStreamRecord r : records) {
            var change = r.getDynamodb();
            out.add(new StreamRecord(change.getSequenceNumber(), r.getEventName(),
                    change.getNewImage() == null ? Optional.empty() : Optional.of(LambdaImages.toJson(change.getNewImage()))));
        }
        return out;
    }

    public static StreamsEventResponse toResponse(FanOutOutcome outcome) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        outcome.firstFailedSequenceNumber().ifPresent(seq -> failures.add(new StreamsEventResponse.BatchItemFailure(seq)));
        return new StreamsEventResponse(failures);
    }
}
