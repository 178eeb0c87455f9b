package dev.eventfold.core;

import dev.eventfold.spi.wire.Keys;
import java.util.Objects;

/**
 * Who an event is for and why it happened: its tenant, the conversation it belongs to
 * (correlation), the event or request that caused it (causation) and who acted. One value,
 * validated once, carried by {@link dev.eventfold.dispatch.EventSpec}, {@link NewEvent},
 * {@link EventRecord} and {@link dev.eventfold.context.EventContext}.
 *
 * <p>A blank field is absent ({@code null}): optional attributes are omitted from items, never
 * written empty. {@code tenantId} is the hash key of the {@code tenantIndex} GSI, so it may have at
 * most 2,048 bytes.
 *
 * <pre>{@code
 * EventMetadata explicit = EventMetadata.builder().actorId("user-9").build();
 * EventMetadata merged = explicit.orElse(EventContext.current().metadata());  // explicit fields win
 * }</pre>
 */
public record EventMetadata(String tenantId, String correlationId, String causationId, String actorId) {
    public static final EventMetadata NONE = new EventMetadata(null, null, null, null);

    public EventMetadata {
        tenantId = Keys.optional(tenantId);
        if (tenantId != null) {
            Keys.requireMaxBytes("tenantId", tenantId, Keys.MAX_TENANT_ID_BYTES);
        }
        correlationId = Keys.optional(correlationId);
        causationId = Keys.optional(causationId);
        actorId = Keys.optional(actorId);
    }

    public boolean isEmpty() {
        return tenantId == null && correlationId == null && causationId == null && actorId == null;
    }

    /**
     * The one merge rule of dispatch, commands and the context: each field this value sets, else
     * the field of {@code fallback}.
     */
    public EventMetadata orElse(EventMetadata fallback) {
        Objects.requireNonNull(fallback, "fallback");
        if (fallback.isEmpty() || this.equals(fallback)) {
            return this;
        }
        return new EventMetadata(
                tenantId != null ? tenantId : fallback.tenantId,
                correlationId != null ? correlationId : fallback.correlationId,
                causationId != null ? causationId : fallback.causationId,
                actorId != null ? actorId : fallback.actorId);
    }

    public EventMetadata withTenantId(String v) {
        return new EventMetadata(v, correlationId, causationId, actorId);
    }

    public EventMetadata withCorrelationId(String v) {
        return new EventMetadata(tenantId, v, causationId, actorId);
    }

    public EventMetadata withCausationId(String v) {
        return new EventMetadata(tenantId, correlationId, v, actorId);
    }

    public EventMetadata withActorId(String v) {
        return new EventMetadata(tenantId, correlationId, causationId, v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EventMetadata}; unset fields stay absent. */
    public static final class Builder {
        private String tenantId;
        private String correlationId;
        private String causationId;
        private String actorId;

        private Builder() {
        }

        public Builder tenantId(String v) {
            this.tenantId = v;
            return this;
        }

        public Builder correlationId(String v) {
            this.correlationId = v;
            return this;
        }

        public Builder causationId(String v) {
            this.causationId = v;
            return this;
        }

        public Builder actorId(String v) {
            this.actorId = v;
            return this;
        }

        public EventMetadata build() {
            return new EventMetadata(tenantId, correlationId, causationId, actorId);
        }
    }

    /**
     * The metadata setters of a builder of a value that carries metadata ({@code EventSpec},
     * {@link NewEvent}, {@link EventRecord}, {@code EventContext}): one field at a time or all at once.
     *
     * @param <B> the concrete builder, returned by every setter
     */
    public abstract static class Setters<B extends Setters<B>> {
        private final Builder metadata = EventMetadata.builder();

        protected Setters() {
        }

        public B tenantId(String v) {
            metadata.tenantId(v);
            return self();
        }

        public B correlationId(String v) {
            metadata.correlationId(v);
            return self();
        }

        public B causationId(String v) {
            metadata.causationId(v);
            return self();
        }

        public B actorId(String v) {
            metadata.actorId(v);
            return self();
        }

        /** Tenant, correlation, causation and actor at once (replacing any set before); null for none. */
        public B metadata(EventMetadata v) {
            EventMetadata m = v == null ? NONE : v;
            metadata.tenantId(m.tenantId()).correlationId(m.correlationId()).causationId(m.causationId())
                    .actorId(m.actorId());
            return self();
        }

        /** The metadata set so far, validated. */
        protected EventMetadata buildMetadata() {
            return metadata.build();
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }
}
