package dev.eventfold.fanout;

import java.util.function.Function;

/**
 * One entry bound for one destination, made once its id in a request is known, and its counted
 * size; {@code group} is its MessageGroupId on a FIFO queue, else null.
 */
record Pending<E>(Candidate candidate, String group, Function<String, E> entryWithId, long bytes) {
}
