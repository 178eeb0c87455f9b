package dev.eventfold.fanout;

/** An event to send: where it is in the batch, its body and the fields the entries need. */
record Candidate(int position, String sequenceNumber, String eventId, String eventType,
                 String aggregateId, String source, String body) {
}
