package dev.eventfold.aggregate;

import dev.eventfold.internal.DerivedIds;
import dev.eventfold.internal.Checks;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.internal.StorablePayloads;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.internal.retry.RetryLoop.Step;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.core.NewEvent;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.spi.PreparedAppend;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles commands in the decider style: load the aggregate, {@code decide(command, state)},
 * append the decided events atomically at the loaded version.
 *
 * <pre>{@code
 * CommandHandler<Withdraw, Wallet> withdraw = CommandHandler.builder(wallets, Wallet::decideWithdraw)
 *     .source("billing")
 *     .build();
 * CommandResult<Wallet> r = withdraw.handle(wallets.type().ref("wal_1"), "cmd-7f3a", new Withdraw(500));
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>All decided events land in one append (one transaction) at the version the state was
 *       loaded at, or none do.</li>
 *   <li>If another writer appends between the load and the append, the store reports a
 *       conflict; the handler reloads and decides again, at most {@code maxAttempts} times in all,
 *       then rethrows the {@link ConcurrencyConflictException}.</li>
 *   <li>The command id is the append's idempotency key and the seed of its event ids
 *       ({@code DerivedIds}): a command handled twice appends once, however many events
 *       and snapshots came in between, and the second call answers
 *       {@link CommandResult.Outcome#ALREADY_HANDLED}. The store keeps a record of every append
 *       by its idempotency key ({@code IDEM#<key>}) and recognises the repeat; when the decider
 *       now rejects the command or decides otherwise (the state moved on since it was handled),
 *       the handler asks the store for that record ({@code findAppend}, one read) before it
 *       rejects or reports no change. As a free fast path, the handler also looks for the
 *       command's first event among the events it loads (after the latest snapshot, and the
 *       {@code lookBehind} events before it).</li>
 *   <li>A rejection ({@link Decision.Reject}) of a command that was never handled throws
 *       {@link CommandRejectedException} and writes nothing.</li>
 *   <li>A store failure whose outcome is unknown (a lost response) is retried with the very same
 *       append request, so the store recognises it if it had landed.</li>
 *   <li>Snapshots are written after the append has committed, as the type's policy says.</li>
 * </ul>
 *
 * <p>Event fields: {@code source} from the builder; {@code correlationId}, {@code causationId},
 * {@code actorId} and {@code tenantId} from the current {@link EventContext} (a decided
 * event's own tenant wins); {@code occurredAt} from the clock.
 *
 * <p>Defaults: {@code maxAttempts} 5, {@code maxAppendRetries} 2, {@code lookBehind} 100, no
 * source, system UTC clock.
 */
public final class CommandHandler<C, S> {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);

    private final AggregateRepository<S> repository;
    private final Decider<C, S> decider;
    private final String source;
    private final int maxAttempts;
    private final RetryLoop decisions; // at once: the next load is the fresh read
    private final RetryLoop appendRetries; // at once: the same request, no reload in between
    private final int lookBehind;
    private final Clock clock;

    private CommandHandler(Builder<C, S> b) {
        this.repository = b.repository;
        this.decider = b.decider;
        this.source = b.source;
        this.maxAttempts = b.maxAttempts;
        this.decisions = RetryLoop.withoutPause(b.maxAttempts);
        this.appendRetries = RetryLoop.withoutPause(b.maxAppendRetries + 1);
        this.lookBehind = b.lookBehind;
        this.clock = b.clock;
    }

    public static <C, S> Builder<C, S> builder(AggregateRepository<S> repository, Decider<C, S> decider) {
        return new Builder<>(repository, decider);
    }

    /**
     * Handles one command.
     *
     * @param commandId the command's unique id: the idempotency key. Send the same id when retrying
     * @throws CommandRejectedException     the decider refused; nothing was written
     * @throws ConcurrencyConflictException other writers kept winning for {@code maxAttempts} attempts
     * @throws EventStoreException          the store failed and retries did not help
     */
    public CommandResult<S> handle(AggregateRef aggregate, String commandId, C command) {
        Objects.requireNonNull(aggregate, "aggregate");
        Keys.requireNonBlank("commandId", commandId);
        Objects.requireNonNull(command, "command");
        String firstEventId = DerivedIds.eventId(aggregate, commandId, 0);
        // A conflict: another writer got in first; load again and decide again.
        return decisions.run((attempt, last) -> {
            AtomicBoolean seen = new AtomicBoolean();
            AggregateState<S> loaded = repository.load(aggregate, lookBehind,
                    e -> seen.compareAndSet(false, e.eventId().equals(firstEventId)));
            if (seen.get()) {
                return Step.done(new CommandResult<>(commandId, CommandResult.Outcome.ALREADY_HANDLED, List.of(), loaded,
                        attempt));
            }
            Decision decision = decider.decide(command, loaded.state());
            if (decision instanceof Decision.Reject reject) {
                // Refused now, but perhaps accepted before the state moved on: a retry, not a rejection.
                if (handledBefore(aggregate, commandId)) {
                    return Step.done(new CommandResult<>(commandId, CommandResult.Outcome.ALREADY_HANDLED, List.of(),
                            loaded, attempt));
                }
                throw new CommandRejectedException(aggregate, commandId, reject.reasonCode(), reject.detail(),
                        loaded.version());
            }
            List<DecidedEvent> decided = ((Decision.Accept) decision).events();
            if (decided.isEmpty()) {
                CommandResult.Outcome outcome = handledBefore(aggregate, commandId)
                        ? CommandResult.Outcome.ALREADY_HANDLED : CommandResult.Outcome.NO_CHANGE;
                return Step.done(new CommandResult<>(commandId, outcome, List.of(), loaded, attempt));
            }
            AppendRequest request = new AppendRequest(aggregate, loaded.version(),
                    toNewEvents(aggregate, commandId, decided, clock.instant()), commandId);
            try {
                AppendResult result;
                try {
                    result = appendRetryingUnknownOutcomes(request);
                } catch (InvalidInputException e) {
                    // The store refuses other events under a key it has seen: the command was
                    // handled before and decides differently now.
                    if ("idempotencyKey".equals(e.field()) && handledBefore(aggregate, commandId)) {
                        return Step.done(new CommandResult<>(commandId, CommandResult.Outcome.ALREADY_HANDLED,
                                List.of(), loaded, attempt));
                    }
                    throw e;
                }
                if (result.alreadyAppended()) {
                    return Step.done(new CommandResult<>(commandId, CommandResult.Outcome.ALREADY_HANDLED, List.of(),
                            repository.load(aggregate), attempt));
                }
                // The records exactly as stored: the new events carry their own occurredAt.
                List<EventRecord> records = PreparedAppend.of(request, clock.instant()).records();
                AggregateState<S> after = repository.applied(loaded, records);
                return Step.done(new CommandResult<>(commandId, CommandResult.Outcome.APPENDED, records, after, attempt));
            } catch (ConcurrencyConflictException e) {
                LOG.debug("command {} on {}: conflict at version {} (attempt {} of {})", commandId, aggregate,
                        loaded.version(), attempt, maxAttempts);
                if (last) {
                    throw e;
                }
                return Step.again(e);
            }
        });
    }

    /** {@code handle(type.ref(aggregateId), commandId, command)}. */
    public CommandResult<S> handle(String aggregateId, String commandId, C command) {
        return handle(repository.type().ref(aggregateId), commandId, command);
    }

    /** One read of the store's record of appends made under this command id. */
    private boolean handledBefore(AggregateRef aggregate, String commandId) {
        return repository.store().findAppend(aggregate, commandId).isPresent();
    }

    private AppendResult appendRetryingUnknownOutcomes(AppendRequest request) {
        return appendRetries.run((attempt, last) -> {
            try {
                return Step.done(repository.store().append(request));
            } catch (EventStoreException e) {
                if (!e.isRetryable() || last) {
                    throw e;
                }
                // Same request, same ids: if the first attempt landed, the store recognises it.
                LOG.debug("append of {} failed ({}), retrying the same request", request.aggregate(), e.kind());
                return Step.again(e);
            }
        });
    }

    private List<NewEvent> toNewEvents(AggregateRef aggregate, String commandId, List<DecidedEvent> decided,
                                       Instant now) {
        EventContext ctx = EventContext.current();
        String occurredAt = Timestamps.format(now);
        List<NewEvent> out = new ArrayList<>(decided.size());
        for (int i = 0; i < decided.size(); i++) {
            DecidedEvent d = decided.get(i);
            int index = i;
            EventMetadata metadata = EventMetadata.builder().tenantId(d.tenantId()).build().orElse(ctx.metadata());
            out.add(StorablePayloads.trusting(d.storablePayload(), () -> NewEvent.builder()
                    .eventId(DerivedIds.eventId(aggregate, commandId, index))
                    .eventType(d.eventType())
                    .schemaVersion(d.schemaVersion())
                    .payload(d.storablePayload())
                    .source(source != null ? source : ctx.source())
                    .metadata(metadata)
                    .occurredAt(occurredAt)
                    .build()));
        }
        return out;
    }

    /** Builds a {@link CommandHandler}; values are checked at {@link #build()}. */
    public static final class Builder<C, S> {
        private final AggregateRepository<S> repository;
        private final Decider<C, S> decider;
        private String source;
        private int maxAttempts = 5;
        private int maxAppendRetries = 2;
        private int lookBehind = 100;
        private Clock clock = Clock.systemUTC();

        private Builder(AggregateRepository<S> repository, Decider<C, S> decider) {
            this.repository = Checks.notNull(repository, "repository");
            this.decider = Checks.notNull(decider, "decider");
        }

        /** The producing service written on every event, e.g. {@code billing}. */
        public Builder<C, S> source(String v) {
            this.source = v;
            return this;
        }

        /** How many times one command may be decided when other writers keep getting in first. */
        public Builder<C, S> maxAttempts(int v) {
            this.maxAttempts = v;
            return this;
        }

        /** Retries of one append after a retryable store failure (throttling, lost response). */
        public Builder<C, S> maxAppendRetries(int v) {
            this.maxAppendRetries = v;
            return this;
        }

        /**
         * How many events before the latest snapshot are searched for a retried command's events:
         * a fast path only (no extra request); past it the store's idempotency record still
         * recognises the command.
         */
        public Builder<C, S> lookBehind(int v) {
            this.lookBehind = v;
            return this;
        }

        public Builder<C, S> clock(Clock v) {
            this.clock = Checks.notNull(v, "clock");
            return this;
        }

        public CommandHandler<C, S> build() {
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", "must be at least 1, was " + maxAttempts);
            }
            if (maxAppendRetries < 0) {
                throw new InvalidInputException("maxAppendRetries", "must not be negative, was " + maxAppendRetries);
            }
            if (lookBehind < 0) {
                throw new InvalidInputException("lookBehind", "must not be negative, was " + lookBehind);
            }
            return new CommandHandler<>(this);
        }
    }
}
