package dev.eventfold.upcast;

import dev.eventfold.core.AggregateHead;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.Page;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import dev.eventfold.store.ForwardingEventStore;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An {@link EventStore} whose every read returns events in their latest shape: it passes
 * appends through untouched and runs {@link Upcasters} over {@code getEvent},
 * {@code listEvents} and {@code readEvents} (and so over aggregate loads built on it).
 * The stored items never change.
 *
 * <pre>{@code
 * EventStore store = new UpcastingEventStore(DynamoDbEventStore.builder()...build(), upcasters);
 * AggregateRepository<Wallet> wallets = AggregateRepository.builder(store, walletType).build();
 * }</pre>
 */
public final class UpcastingEventStore extends ForwardingEventStore {
    private final Upcasters upcasters;

    public UpcastingEventStore(EventStore delegate, Upcasters upcasters) {
        super(delegate);
        this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
    }

    /** The store underneath, whose reads return events as stored. */
    @Override
    public EventStore delegate() {
        return super.delegate();
    }

    public Upcasters upcasters() {
        return upcasters;
    }



    @Override
    public Optional<EventRecord> getEvent(AggregateRef aggregate, long version) {
        return delegate().getEvent(aggregate, version).map(upcasters::upcast);
    }

    @Override
    public Page<EventRecord> listEvents(EventQuery query) {
        return delegate().listEvents(query).map(upcasters::upcast);
    }



    @Override
    public long currentVersion(AggregateRef aggregate) {
        return delegate().currentVersion(aggregate);
    }

    @Override
    public Stream<EventRecord> readEvents(EventQuery query) {
        return delegate().readEvents(query).map(upcasters::upcast);
    }
}
