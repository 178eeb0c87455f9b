package dev.eventfold.fanout;

import java.util.List;

/** What one destination achieved: the position of its first undelivered candidate, if any. */
record DestinationResult(String destination, int firstFailedPosition, List<DeliveryFailure> failures,
                         int requests) {
}
