package dev.eventfold.projection;

import dev.eventfold.core.EventRecord;

/**
 * Applies one event to a read model. The {@link Projector} calls it once per version, in version
 * order per aggregate, and advances the checkpoint after it returns.
 */
@FunctionalInterface
public interface ProjectionHandler {
    void apply(EventRecord event);
}
