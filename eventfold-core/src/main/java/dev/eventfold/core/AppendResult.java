package dev.eventfold.core;

import dev.eventfold.spi.wire.Keys;

/**
 * What an append wrote: the reference runtime's {@code {pk, sk, version}}, where {@code sk} and
 * {@code version} are those of the last event, plus what a multi-event or repeated append needs.
 *
 * @param firstVersion    version of the first event of this append ({@code == version} for one event)
 * @param version         version of the last event, the aggregate's version after the append
 * @param alreadyAppended true when the store recognised a repeat of an append that had already
 *                        landed (same idempotency key and event id) and wrote nothing
 */
public record AppendResult(AggregateRef aggregate, long firstVersion, long version, boolean alreadyAppended) {
    public AppendResult {
        if (aggregate == null) {
            throw new InvalidInputException("aggregate", "must not be null");
        }
        Keys.requireVersion("firstVersion", firstVersion);
        Keys.requireVersion("version", version);
        if (firstVersion > version) {
            throw new InvalidInputException("firstVersion", firstVersion + " > version " + version);
        }
    }

    public String pk() {
        return aggregate.pk();
    }

    public String sk() {
        return Keys.eventSk(version);
    }

    public int eventCount() {
        return (int) (version - firstVersion + 1);
    }
}
