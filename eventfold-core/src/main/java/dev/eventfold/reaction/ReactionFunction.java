package dev.eventfold.reaction;

import dev.eventfold.core.EventRecord;
import dev.eventfold.dispatch.EventSpec;
import java.util.List;

/**
 * What a {@link Reaction} does with one incoming event: the events to dispatch, in order (an empty
 * list: nothing to do for this one). A function of the incoming event: delivered twice, it must
 * return the same events to the same aggregates, because their ids are derived from the reaction,
 * the incoming event, the target, the event type and how many events of that type to that target
 * come before it in this list. Leave event ids and idempotency keys unset.
 */
@FunctionalInterface
public interface ReactionFunction {
    List<EventSpec> react(EventRecord incoming) throws Exception;
}
