package dev.eventfold.fanout;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of fanning out one batch of stream records. {@link #firstFailedSequenceNumber()}
 * is the first record not delivered to every destination: the Lambda adapter returns it as the
 * batch item failure, so Lambda retries from it and the records before it are not sent again.
 *
 * @param firstFailedSequenceNumber empty when everything was delivered
 * @param failures                  what failed, per record and destination
 * @param events                    how many records were events (the rest were filtered out)
 * @param requests                  requests sent per destination, retries included
 */
public record FanOutOutcome(Optional<String> firstFailedSequenceNumber, List<DeliveryFailure> failures, int events,
                            Map<String, Integer> requests) {

    public FanOutOutcome {
        Objects.requireNonNull(firstFailedSequenceNumber, "firstFailedSequenceNumber");
        failures = List.copyOf(failures);
        requests = Map.copyOf(requests);
    }

    public boolean allDelivered() {
        return firstFailedSequenceNumber.isEmpty();
    }

    public int totalRequests() {
        return requests.values().stream().mapToInt(Integer::intValue).sum();
    }
}
