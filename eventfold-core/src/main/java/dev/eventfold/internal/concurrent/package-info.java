/**
 * Machinery of Eventfold, shared between its modules: not API. There is no compatibility promise
 * for anything in this package; it may change or disappear in any release.
 *
 * <p>Threads, once for the whole library: {@link dev.eventfold.internal.concurrent.LazyExecutor},
 * the thread pool a component builds on first use and closes with itself. Users who want their
 * own threads pass an {@link java.util.concurrent.Executor} to the component's builder.
 */
package dev.eventfold.internal.concurrent;
