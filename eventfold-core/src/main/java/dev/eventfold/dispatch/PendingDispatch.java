package dev.eventfold.dispatch;

import dev.eventfold.core.NewEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** One dispatch waiting for its aggregate's lock, to be appended by whichever thread holds it. */
final class PendingDispatch {
    final NewEvent event;
    final long itemBytes;
    final CompletableFuture<DispatchResult> result = new CompletableFuture<>();

    PendingDispatch(NewEvent event, long itemBytes) {
        this.event = event;
        this.itemBytes = itemBytes;
    }

    /** The result, or the very exception the shared append failed with. */
    DispatchResult join() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
