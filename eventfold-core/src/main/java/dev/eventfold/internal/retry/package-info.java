/**
 * Machinery of Eventfold, shared between its modules: not API. There is no compatibility promise
 * for anything in this package; it may change or disappear in any release.
 *
 * <p>Waiting and trying again, once for the whole library: {@link dev.eventfold.internal.retry.Backoff}
 * (how long before a retry), {@link dev.eventfold.internal.retry.RetryLoop} (counting attempts and
 * pausing between them) and {@link dev.eventfold.internal.retry.RateLimiter} (pacing). They wait
 * through the public {@link dev.eventfold.core.Sleeper}, so tests replace the waiting. Configure
 * them through the public types: {@link dev.eventfold.dispatch.RetryPolicy}, the builders of
 * {@code StreamFanOut}, {@code CommandHandler} and {@code Replayer}.
 */
package dev.eventfold.internal.retry;
