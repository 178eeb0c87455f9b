package dev.eventfold.context;

import dev.eventfold.core.CarriesMetadata;
import dev.eventfold.core.EventMetadata;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The context an event is dispatched in: who caused it and which conversation it belongs to
 * ({@link EventMetadata}), and the {@code source} a service dispatches as.
 * Dispatch fills the fields a call leaves empty from the current context; the listener sets it
 * from each incoming event ({@code causationId} = that event's id) before its handler runs.
 *
 * <p>The value is immutable. The <em>current</em> context is confined to the calling thread:
 * prefer the scoped forms ({@link #callWith}, {@link #runWith}), which restore what was there
 * before, so nothing leaks from one Lambda invocation or record into the next. Tasks handed to
 * other threads carry it explicitly through {@link #wrap(Runnable)} or {@link #propagating(Executor)}.
 *
 * <pre>{@code
 * EventContext.runWith(EventContext.builder().correlationId("corr-1").actorId("user-9").build(), () ->
 *     dispatcher.dispatch(...));   // the event gets correlationId corr-1 and actorId user-9
 * }</pre>
 */
public record EventContext(EventMetadata metadata, String source) implements CarriesMetadata {
    public static final EventContext EMPTY = new EventContext(EventMetadata.NONE, null);

    private static final ThreadLocal<EventContext> CURRENT = ThreadLocal.withInitial(() -> EMPTY);

    public EventContext {
        metadata = metadata == null ? EventMetadata.NONE : metadata;
        source = source == null || source.isBlank() ? null : source;
    }

    /** A context of metadata only. */
    public EventContext(EventMetadata metadata) {
        this(metadata, null);
    }

    /** The context of these fields; blank ones stay empty. */
    public EventContext(String correlationId, String causationId, String actorId, String tenantId) {
        this(new EventMetadata(tenantId, correlationId, causationId, actorId), null);
    }

    public boolean isEmpty() {
        return metadata.isEmpty() && source == null;
    }

    /** This context with every field that {@code other} sets replaced by the value of {@code other}. */
    public EventContext mergedWith(EventContext other) {
        Objects.requireNonNull(other, "other");
        return new EventContext(other.metadata.orElse(metadata), other.source != null ? other.source : source);
    }

    public EventContext withCorrelationId(String v) {
        return new EventContext(metadata.withCorrelationId(v), source);
    }

    public EventContext withCausationId(String v) {
        return new EventContext(metadata.withCausationId(v), source);
    }

    public EventContext withActorId(String v) {
        return new EventContext(metadata.withActorId(v), source);
    }

    public EventContext withTenantId(String v) {
        return new EventContext(metadata.withTenantId(v), source);
    }

    /**
     * The {@code source} of the events dispatched in this context, when the call sets none: set it
     * once per service, as the reference runtime's context allows ({@code setEventContext({source})}).
     */
    public EventContext withSource(String v) {
        return new EventContext(metadata, v);
    }

    /** This context's metadata replaced by {@code v}, its source kept. */
    public EventContext withMetadata(EventMetadata v) {
        return new EventContext(v, source);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- the current context of this thread ----

    /** The calling thread's current context; {@link #EMPTY} when none is set. */
    public static EventContext current() {
        return CURRENT.get();
    }

    /** Replaces the current context (the reference's {@code setEventContext}). Prefer {@link #runWith}. */
    public static void set(EventContext context) {
        CURRENT.set(Objects.requireNonNull(context, "context"));
    }

    /** Merges fields into the current context (the reference's {@code appendEventContext}). */
    public static void append(EventContext fields) {
        CURRENT.set(CURRENT.get().mergedWith(fields));
    }

    /** Clears the current context (the reference's {@code resetEventContext}). */
    public static void reset() {
        CURRENT.remove();
    }

    /** Runs {@code body} with {@code context} current, then restores what was current before. */
    public static <T> T callWith(EventContext context, Callable<T> body) throws Exception {
        EventContext previous = CURRENT.get();
        CURRENT.set(Objects.requireNonNull(context, "context"));
        try {
            return body.call();
        } finally {
            restore(previous);
        }
    }

    /** {@link #callWith} for bodies that throw no checked exception. */
    public static <T> T supplyWith(EventContext context, Supplier<T> body) {
        EventContext previous = CURRENT.get();
        CURRENT.set(Objects.requireNonNull(context, "context"));
        try {
            return body.get();
        } finally {
            restore(previous);
        }
    }

    public static void runWith(EventContext context, Runnable body) {
        supplyWith(context, () -> {
            body.run();
            return null;
        });
    }

    /** A task that runs with the context current now, on whichever thread runs it. */
    public static Runnable wrap(Runnable task) {
        EventContext captured = current();
        return () -> runWith(captured, task);
    }

    public static <T> Callable<T> wrap(Callable<T> task) {
        EventContext captured = current();
        return () -> callWith(captured, task);
    }

    public static <T> Supplier<T> wrap(Supplier<T> task) {
        EventContext captured = current();
        return () -> supplyWith(captured, task);
    }

    /** An executor whose tasks run with the context that was current when they were submitted. */
    public static Executor propagating(Executor delegate) {
        Objects.requireNonNull(delegate, "delegate");
        return task -> delegate.execute(wrap(task));
    }

    private static void restore(EventContext previous) {
        if (previous.isEmpty()) {
            CURRENT.remove(); // leave nothing behind on pooled threads
        } else {
            CURRENT.set(previous);
        }
    }

    /** Builds an {@link EventContext}; unset fields stay empty. */
    public static final class Builder extends EventMetadata.Setters<Builder> {
        private String source;

        private Builder() {
        }

        public Builder source(String v) {
            this.source = v;
            return this;
        }

        public EventContext build() {
            return new EventContext(buildMetadata(), source);
        }
    }
}
