package dev.eventfold.store;

import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.Page;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link EventStore} that forwards every call to another: extend it and override what a
 * decorator changes (count requests, inject a failure, transform reads).
 *
 * <pre>{@code
 * EventStore counting = new ForwardingEventStore(store) {
 *     @Override public AppendResult append(AppendRequest r) { appends.increment(); return super.append(r); }
 * };
 * }</pre>
 */
public abstract class ForwardingEventStore implements EventStore {
    private final EventStore delegate;

    protected ForwardingEventStore(EventStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected EventStore delegate() {
        return delegate;
    }

    @Override
    public AppendResult append(AppendRequest request) {
        return delegate.append(request);
    }

    @Override
    public Optional<AggregateHead> getHead(AggregateRef aggregate) {
        return delegate.getHead(aggregate);
    }

    @Override
    public Optional<EventRecord> getEvent(AggregateRef aggregate, long version) {
        return delegate.getEvent(aggregate, version);
    }

    @Override
    public Page<EventRecord> listEvents(EventQuery query) {
        return delegate.listEvents(query);
    }

    @Override
    public Optional<AppendResult> findAppend(AggregateRef aggregate, String idempotencyKey) {
        return delegate.findAppend(aggregate, idempotencyKey);
    }

    @Override
    public Page<AggregateRef> listTenantAggregates(String tenantId, int limit, String cursor) {
        return delegate.listTenantAggregates(tenantId, limit, cursor);
    }
}
