package dev.eventfold.process;

import dev.eventfold.aggregate.AggregateType;
import dev.eventfold.aggregate.CommandHandler;
import dev.eventfold.aggregate.CommandRejectedException;
import dev.eventfold.aggregate.CommandResult;
import dev.eventfold.aggregate.DecidedEvent;
import dev.eventfold.context.EventContext;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.AppendResult;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.EventMetadata;
import dev.eventfold.core.EventRecord;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.internal.Checks;
import dev.eventfold.internal.DerivedIds;
import dev.eventfold.internal.retry.RetryLoop;
import dev.eventfold.projection.CheckpointStore;
import dev.eventfold.projection.internal.InOrder;
import dev.eventfold.internal.retry.RetryLoop.Step;
import dev.eventfold.spi.PreparedAppend;
import dev.eventfold.spi.wire.Keys;
import dev.eventfold.spi.wire.Timestamps;
import dev.eventfold.store.AppendRequest;
import dev.eventfold.store.EventQuery;
import dev.eventfold.store.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process manager (saga): a long-running flow across aggregates whose state is itself
 * event-sourced, in a stream of its own per process ({@code type.ref(processId)}). On each input
 * (an event it subscribed to, a rejection of one of its commands, a deadline) it loads the
 * process's events, folds them into the state, asks the {@link ProcessDecider} for the next
 * {@link ProcessStep}, appends the step's events at the version it loaded, and then sends the
 * step's commands to their {@link CommandHandler}s and sets its deadlines.
 *
 * <h2>Exactly once, whatever is delivered twice</h2>
 * <ul>
 *   <li>The ids of a step's events and commands are derived from the process manager's name, the
 *       process, the input's {@link ProcessInput#id() id} and their position. The step's first
 *       event is how the step is found: an input delivered again finds it in the process stream
 *       and decides again on the state <em>before</em> it, which gives the same step; its events
 *       are not appended again ({@code ALREADY_STEPPED}) and its commands are sent again, each
 *       recognised by its command id ({@code ALREADY_HANDLED}) unless it was lost with a crash,
 *       in which case it is handled now ({@code RESUMED}). A redelivery neither repeats a step
 *       nor skips one.</li>
 *   <li>Appends to the process stream are conditional on the version loaded: two workers with the
 *       same or different inputs of one process take turns; the loser loads again and finds the
 *       other's step, or decides on top of it.</li>
 *   <li>A rejected command ({@link CommandRejectedException}, nothing written) becomes the input
 *       {@link ProcessInput.Rejected}, decided at once: the usual place for compensation. When a
 *       step is resumed, a command whose rejection step is recorded is not sent again, so a
 *       compensated command cannot be accepted later.</li>
 *   <li>A step that sends commands or sets deadlines must record at least one event: the record
 *       is what lets a redelivery resume those effects.</li>
 * </ul>
 *
 * <p>Events of the step carry the input's correlation (the incoming event's correlation id, else
 * its id), causation (the incoming event), actor and tenant; commands are handled with the step's
 * first event as their causation, so the chain of what caused what runs through the process.
 *
 * <pre>{@code
 * ProcessManager<Transfer> transfers = ProcessManager.builder("transfers", Transfer.TYPE, store)
 *     .on("Transfer.Requested", EventRecord::aggregateId)
 *     .on("Wallet.Withdrawn", e -> e.payload().path("transferId").asText(null))
 *     .decide(Transfer::decide)
 *     .command(Withdraw.class, withdraw)
 *     .command(Deposit.class, deposit)
 *     .build();
 * EventListener listener = EventListener.builder().process(transfers).build();
 * }</pre>
 */
public final class ProcessManager<S> {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessManager.class);
    /** Rejections that lead to commands that are rejected, and so on: a bound, not a design point. */
    private static final int MAX_FOLLOW_UPS = 8;

    private final String name;
    private final AggregateType<S> type;
    private final EventStore store;
    private final Map<String, Function<EventRecord, String>> inputs;
    private final ProcessDecider<S> decider;
    private final Map<Class<?>, CommandHandler<?, ?>> handlers;
    private final DeadlineScheduler deadlines;
    private final String source;
    private final Clock clock;
    private final RetryLoop conflicts;
    private final RetryLoop appendRetries;
    private final CheckpointStore checkpoints; // null: as delivered

    private ProcessManager(Builder<S> b) {
        this.name = b.name;
        this.type = b.type;
        this.store = b.store;
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.inputs));
        this.decider = b.decider;
        this.handlers = Map.copyOf(b.handlers);
        this.deadlines = b.deadlines;
        this.source = b.source;
        this.clock = b.clock;
        this.conflicts = RetryLoop.withoutPause(b.maxAttempts);
        this.appendRetries = RetryLoop.withoutPause(b.maxAppendRetries + 1);
        this.checkpoints = b.checkpoints;
    }

    public static <S> Builder<S> builder(String name, AggregateType<S> type, EventStore store) {
        return new Builder<>(name, type, store);
    }

    public String name() {
        return name;
    }

    /** The event types this process manager takes as inputs. */
    public Set<String> eventTypes() {
        return inputs.keySet();
    }

    /**
     * The {@code ordinal}-th (0 first) event a process's step records for an input: the same on
     * every call (what a redelivery finds).
     */
    public String stepEventId(String processId, ProcessInput input, int ordinal) {
        return DerivedIds.eventId(type.ref(processId), seed(input), ordinal);
    }

    /** The id under which the {@code ordinal}-th command of a process's step for an input is sent. */
    public String commandId(String processId, ProcessInput input, int ordinal) {
        return "pc-" + DerivedIds.eventId(type.ref(processId), seed(input) + "\ncommand", ordinal).substring(4);
    }

    /**
     * Handles an event of a subscribed type; others, and events that name no process, are
     * {@code IGNORED}. {@link Builder#inOrder In order}, the events of the incoming event's aggregate
     * before it are handled first, and one the checkpoint passed is {@code ALREADY_STEPPED}.
     */
    public ProcessOutcome handle(EventRecord incoming) {
        Checks.notNull(incoming, "incoming");
        if (checkpoints == null) {
            return handleNow(incoming);
        }
        InOrder.Result<ProcessOutcome> r = new InOrder<>("process:" + name, store, checkpoints,
                e -> inputs.containsKey(e.eventType()), this::handleNow, ProcessOutcome::isFailure).run(incoming);
        ProcessInput input = new ProcessInput.Incoming(incoming);
        if (r instanceof InOrder.Handled<ProcessOutcome> h) {
            return h.outcome();
        }
        if (r instanceof InOrder.Passed) {
            return outcome(null, input, ProcessOutcome.Status.ALREADY_STEPPED, List.of(), List.of(), List.of(), null);
        }
        if (r instanceof InOrder.Stopped<ProcessOutcome> s) {
            if (s.at().eventId().equals(incoming.eventId())) {
                return s.outcome();
            }
            ProcessOutcome.Failure f = s.outcome().failure().orElseThrow();
            return failed(s.outcome().processId(), input, List.of(), List.of(), List.of(), f.reason(),
                    "an earlier event of " + incoming.aggregate() + " (v" + s.at().version() + "): " + f.detail());
        }
        if (r instanceof InOrder.NotInOrder<ProcessOutcome> n) {
            LOG.warn("process {}: {} not in order: {}", name, incoming, n.detail());
            return failed(null, input, List.of(), List.of(), List.of(), ProcessOutcome.Reason.NOT_IN_ORDER, n.detail());
        }
        EventStoreException e = ((InOrder.StoreFailed<ProcessOutcome>) r).error();
        return failed(null, input, List.of(), List.of(), List.of(), ProcessOutcome.Reason.STORE_FAILED, e.getMessage());
    }

    private ProcessOutcome handleNow(EventRecord incoming) {
        ProcessInput input = new ProcessInput.Incoming(incoming);
        Function<EventRecord, String> processOf = inputs.get(incoming.eventType());
        if (processOf == null) {
            return outcome(null, input, ProcessOutcome.Status.IGNORED, List.of(), List.of(), List.of(), null);
        }
        String processId;
        try {
            processId = processOf.apply(incoming);
        } catch (RuntimeException e) {
            LOG.warn("process {}: no process id for {}: {}", name, incoming, e.toString());
            return failed(null, input, List.of(), List.of(), List.of(), ProcessOutcome.Reason.DECIDE_FAILED,
                    e.getClass().getName());
        }
        if (processId == null || processId.isBlank()) {
            LOG.debug("process {}: {} belongs to no process", name, incoming);
            return outcome(null, input, ProcessOutcome.Status.IGNORED, List.of(), List.of(), List.of(), null);
        }
        EventMetadata followed = new EventMetadata(incoming.tenantId(),
                incoming.correlationId() != null ? incoming.correlationId() : incoming.eventId(), incoming.eventId(),
                incoming.actorId());
        return run(processId, input, followed, 0);
    }

    /** Fires a deadline a step set; one already handled is {@code ALREADY_STEPPED}. */
    public ProcessOutcome deadline(ScheduledDeadline deadline) {
        Checks.notNull(deadline, "deadline");
        if (!deadline.process().equals(name)) {
            throw new InvalidInputException("process", "the deadline is " + deadline.process() + "'s, this is " + name);
        }
        return deadline(deadline.processId(), deadline.name(), deadline.dueAt());
    }

    /** Fires the deadline {@code deadlineName} due at {@code dueAt} of process {@code processId}. */
    public ProcessOutcome deadline(String processId, String deadlineName, Instant dueAt) {
        Keys.requireNonBlank("processId", processId);
        return run(processId, new ProcessInput.DeadlineReached(deadlineName, dueAt), null, 0);
    }

    private String seed(ProcessInput input) {
        return "process\n" + name + "\n" + input.id();
    }

    /** One input: find or record its step, then its effects. */
    private ProcessOutcome run(String processId, ProcessInput input, EventMetadata given, int depth) {
        AggregateRef ref = type.ref(processId);
        String firstId = stepEventId(processId, input, 0);
        return conflicts.run((attempt, last) -> {
            List<EventRecord> stream;
            try (Stream<EventRecord> events = store.readEvents(EventQuery.of(ref))) {
                stream = events.toList();
            } catch (EventStoreException e) {
                return Step.done(failed(processId, input, List.of(), List.of(), List.of(),
                        ProcessOutcome.Reason.STORE_FAILED, e.getMessage()));
            }
            int found = indexOf(stream, firstId);
            S state = type.initialState();
            for (EventRecord e : found >= 0 ? stream.subList(0, found) : stream) {
                state = type.evolver().evolve(state, e);
            }
            ProcessStep step;
            try {
                step = Checks.notNull(decider.decide(state, input), "the decider's step");
            } catch (Exception | LinkageError | AssertionError e) {
                LOG.warn("process {} {}: deciding on {} failed", name, processId, describe(input), e);
                return Step.done(failed(processId, input, List.of(), List.of(), List.of(),
                        ProcessOutcome.Reason.DECIDE_FAILED, e.getClass().getName()));
            }
            EventMetadata metadata = given != null ? given : processMetadata(stream, ref);
            String invalid = invalid(step);
            if (invalid != null) {
                LOG.warn("process {} {}: invalid step for {}: {}", name, processId, describe(input), invalid);
                return Step.done(failed(processId, input, List.of(), List.of(), List.of(),
                        ProcessOutcome.Reason.INVALID_STEP, invalid));
            }
            if (found >= 0) {
                int end = Math.min(stream.size(), found + step.record().size());
                return Step.done(effects(processId, input, step, stream.subList(found, end), stream, metadata, true,
                        depth));
            }
            if (step.record().isEmpty()) {
                return Step.done(outcome(processId, input, ProcessOutcome.Status.IGNORED, List.of(), List.of(),
                        List.of(), null));
            }
            long version = stream.isEmpty() ? 0 : stream.get(stream.size() - 1).version();
            Instant now = clock.instant();
            AppendRequest request;
            PreparedAppend prepared;
            try {
                request = new AppendRequest(ref, version, newEvents(ref, input, step.record(), metadata, now),
                        firstId, false, now);
                prepared = PreparedAppend.of(request, now); // what the store would refuse, refused before sending
            } catch (InvalidInputException e) {
                return Step.done(failed(processId, input, List.of(), List.of(), List.of(),
                        ProcessOutcome.Reason.INVALID_STEP, e.getMessage()));
            }
            try {
                AppendResult appended = appendRetryingUnknownOutcomes(request);
                if (appended.alreadyAppended()) {
                    // A lost response of our own append: load it as found.
                    return Step.again(new IllegalStateException("own append recognised"));
                }
            } catch (ConcurrencyConflictException e) {
                LOG.debug("process {} {}: conflict at version {} (attempt {})", name, processId, version, attempt);
                if (last) {
                    return Step.done(failed(processId, input, List.of(), List.of(), List.of(),
                            ProcessOutcome.Reason.CONFLICT, e.getMessage()));
                }
                return Step.again(e);
            } catch (EventStoreException e) {
                LOG.warn("process {} {}: recording the step failed: {}", name, processId, e.toString());
                return Step.done(failed(processId, input, List.of(), List.of(), List.of(),
                        ProcessOutcome.Reason.STORE_FAILED, e.getMessage()));
            }
            List<EventRecord> recorded = prepared.records();
            List<EventRecord> after = new ArrayList<>(stream);
            after.addAll(recorded);
            return Step.done(effects(processId, input, step, recorded, after, metadata, false, depth));
        });
    }

    /** The step's commands, in order, then its deadlines. */
    private ProcessOutcome effects(String processId, ProcessInput input, ProcessStep step, List<EventRecord> recorded,
                                   List<EventRecord> stream, EventMetadata metadata, boolean found, int depth) {
        List<ProcessOutcome.SentCommand> sent = new ArrayList<>();
        List<ProcessOutcome> followUps = new ArrayList<>();
        boolean madeNow = !found;
        // Commands are caused by the step that decided them.
        EventMetadata commandMetadata = recorded.isEmpty() ? metadata : metadata.withCausationId(recorded.get(0).eventId());
        EventContext context = EventContext.current().withMetadata(commandMetadata.orElse(EventContext.current().metadata()));
        for (int i = 0; i < step.commands().size(); i++) {
            ProcessStep.Command c = step.commands().get(i);
            String commandId = commandId(processId, input, i);
            String commandType = c.command().getClass().getSimpleName();
            ProcessInput.Rejected rejection = null;
            if (found && indexOf(stream, stepEventId(processId,
                    new ProcessInput.Rejected(commandId, c.target(), c.command(), null, null), 0)) >= 0) {
                sent.add(new ProcessOutcome.SentCommand(commandId, c.target(), commandType,
                        ProcessOutcome.Result.NOT_RESENT, null));
                continue;
            }
            try {
                CommandResult<?> r = EventContext.supplyWith(context, () -> send(c, commandId));
                ProcessOutcome.Result result = switch (r.outcome()) {
                    case APPENDED -> ProcessOutcome.Result.APPENDED;
                    case ALREADY_HANDLED -> ProcessOutcome.Result.ALREADY_HANDLED;
                    case NO_CHANGE -> ProcessOutcome.Result.NO_CHANGE;
                };
                madeNow |= result == ProcessOutcome.Result.APPENDED;
                sent.add(new ProcessOutcome.SentCommand(commandId, c.target(), commandType, result, null));
            } catch (CommandRejectedException e) {
                sent.add(new ProcessOutcome.SentCommand(commandId, c.target(), commandType,
                        ProcessOutcome.Result.REJECTED, e.reasonCode()));
                rejection = new ProcessInput.Rejected(commandId, c.target(), c.command(), e.reasonCode(), e.detail());
            } catch (RuntimeException e) {
                LOG.warn("process {} {}: command {} ({}) failed: {}", name, processId, commandId, commandType,
                        e.toString());
                return failed(processId, input, recorded, sent, followUps, ProcessOutcome.Reason.COMMAND_FAILED,
                        e.getClass().getName() + ": " + e.getMessage());
            }
            if (rejection != null) {
                if (depth >= MAX_FOLLOW_UPS) {
                    return failed(processId, input, recorded, sent, followUps, ProcessOutcome.Reason.FOLLOW_UP_FAILED,
                            "more than " + MAX_FOLLOW_UPS + " rejections in a row");
                }
                ProcessOutcome followUp = run(processId, rejection, commandMetadata, depth + 1);
                followUps.add(followUp);
                madeNow |= followUp.status() == ProcessOutcome.Status.STEPPED
                        || followUp.status() == ProcessOutcome.Status.RESUMED;
                if (followUp.isFailure()) {
                    return failed(processId, input, recorded, sent, followUps, ProcessOutcome.Reason.FOLLOW_UP_FAILED,
                            followUp.failure().map(ProcessOutcome.Failure::detail).orElse(""));
                }
            }
        }
        for (ProcessStep.Deadline d : step.deadlines()) {
            try {
                deadlines.schedule(new ScheduledDeadline(name, processId, d.name(), d.at()));
            } catch (Exception e) {
                LOG.warn("process {} {}: scheduling deadline {} failed: {}", name, processId, d.name(), e.toString());
                return failed(processId, input, recorded, sent, followUps, ProcessOutcome.Reason.DEADLINE_FAILED,
                        e.getClass().getName() + ": " + e.getMessage());
            }
        }
        ProcessOutcome.Status status = !found ? ProcessOutcome.Status.STEPPED
                : madeNow ? ProcessOutcome.Status.RESUMED : ProcessOutcome.Status.ALREADY_STEPPED;
        LOG.debug("process {} {}: {} on {}", name, processId, status, describe(input));
        return outcome(processId, input, status, recorded, sent, followUps, null);
    }

    @SuppressWarnings("unchecked")
    private CommandResult<?> send(ProcessStep.Command c, String commandId) {
        CommandHandler<Object, ?> handler = (CommandHandler<Object, ?>) handlers.get(c.command().getClass());
        return handler.handle(c.target(), commandId, c.command());
    }

    /** Why a step cannot be carried out, or null. */
    private String invalid(ProcessStep step) {
        if (step.record().isEmpty() && (!step.commands().isEmpty() || !step.deadlines().isEmpty())) {
            return "a step that sends commands or sets deadlines records at least one event";
        }
        for (ProcessStep.Command c : step.commands()) {
            if (!handlers.containsKey(c.command().getClass())) {
                return "no command handler for " + c.command().getClass().getName();
            }
        }
        if (!step.deadlines().isEmpty() && deadlines == null) {
            return "the step sets a deadline and no deadline scheduler is configured";
        }
        if (step.record().size() > AppendRequest.MAX_EVENTS) {
            return "a step records at most " + AppendRequest.MAX_EVENTS + " events";
        }
        return null;
    }

    private List<NewEvent> newEvents(AggregateRef ref, ProcessInput input, List<DecidedEvent> decided,
                                     EventMetadata metadata, Instant now) {
        String seed = seed(input);
        String occurredAt = Timestamps.format(now);
        List<NewEvent> out = new ArrayList<>(decided.size());
        for (int i = 0; i < decided.size(); i++) {
            DecidedEvent d = decided.get(i);
            out.add(NewEvent.builder()
                    .eventId(DerivedIds.eventId(ref, seed, i))
                    .eventType(d.eventType())
                    .schemaVersion(d.schemaVersion())
                    .payload(d.payload())
                    .source(source != null ? source : EventContext.current().source())
                    .metadata(EventMetadata.builder().tenantId(d.tenantId()).build().orElse(metadata))
                    .occurredAt(occurredAt)
                    .build());
        }
        return out;
    }

    /** For inputs that come with no event (deadlines): the process's own correlation and tenant. */
    private static EventMetadata processMetadata(List<EventRecord> stream, AggregateRef ref) {
        if (stream.isEmpty()) {
            return EventMetadata.NONE.withCorrelationId(ref.aggregateId());
        }
        EventRecord first = stream.get(0);
        return new EventMetadata(first.tenantId(),
                first.correlationId() != null ? first.correlationId() : first.eventId(), null, null);
    }

    private static int indexOf(List<EventRecord> stream, String eventId) {
        for (int i = stream.size() - 1; i >= 0; i--) {
            if (stream.get(i).eventId().equals(eventId)) {
                return i;
            }
        }
        return -1;
    }

    private AppendResult appendRetryingUnknownOutcomes(AppendRequest request) {
        return appendRetries.run((attempt, last) -> {
            try {
                return Step.done(store.append(request));
            } catch (EventStoreException e) {
                if (!e.isRetryable() || last) {
                    throw e;
                }
                // Same request, same ids: if the first attempt landed, the store recognises it.
                return Step.again(e);
            }
        });
    }

    private static String describe(ProcessInput input) {
        if (input instanceof ProcessInput.Incoming i) {
            return i.event().toString();
        }
        if (input instanceof ProcessInput.Rejected r) {
            return "rejection of " + r.commandId() + " (" + r.reasonCode() + ")";
        }
        ProcessInput.DeadlineReached d = (ProcessInput.DeadlineReached) input;
        return "deadline " + d.name() + " at " + Timestamps.format(d.dueAt());
    }

    private ProcessOutcome outcome(String processId, ProcessInput input, ProcessOutcome.Status status,
                                   List<EventRecord> recorded, List<ProcessOutcome.SentCommand> sent,
                                   List<ProcessOutcome> followUps, ProcessOutcome.Failure failure) {
        return new ProcessOutcome(name, processId, input.id(), status, recorded, sent, followUps,
                Optional.ofNullable(failure));
    }

    private ProcessOutcome failed(String processId, ProcessInput input, List<EventRecord> recorded,
                                  List<ProcessOutcome.SentCommand> sent, List<ProcessOutcome> followUps,
                                  ProcessOutcome.Reason reason, String detail) {
        return outcome(processId, input, ProcessOutcome.Status.FAILED, recorded, sent, followUps,
                new ProcessOutcome.Failure(reason, detail));
    }

    /**
     * Configures a {@link ProcessManager}. Required: at least one input type and the decider.
     * Defaults: no deadline scheduler (a step that sets a deadline is invalid), no source (the
     * context's), {@code maxAttempts} 10 against other workers of the same process,
     * {@code maxAppendRetries} 2, the UTC system clock (for {@code occurredAt} only).
     */
    public static final class Builder<S> {
        private final String name;
        private final AggregateType<S> type;
        private final EventStore store;
        private final Map<String, Function<EventRecord, String>> inputs = new LinkedHashMap<>();
        private final Map<Class<?>, CommandHandler<?, ?>> handlers = new LinkedHashMap<>();
        private ProcessDecider<S> decider;
        private DeadlineScheduler deadlines;
        private String source;
        private Clock clock = Clock.systemUTC();
        private int maxAttempts = 10;
        private int maxAppendRetries = 2;
        private CheckpointStore checkpoints;

        private Builder(String name, AggregateType<S> type, EventStore store) {
            this.name = Keys.requireNonBlank("name", name);
            if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new InvalidInputException("name", "must not contain a line break");
            }
            this.type = Checks.notNull(type, "type");
            this.store = Checks.notNull(store, "store");
        }

        /**
         * Events of {@code eventType} are inputs of the process {@code processOf} names (null or
         * blank: of none, ignored), e.g. a correlation id or a field of the payload.
         */
        public Builder<S> on(String eventType, Function<EventRecord, String> processOf) {
            Keys.requireNonBlank("eventType", eventType);
            Checks.notNull(processOf, "processOf");
            if (inputs.putIfAbsent(eventType, processOf) != null) {
                throw new InvalidInputException("eventType", eventType + " is already an input");
            }
            return this;
        }

        public Builder<S> decide(ProcessDecider<S> v) {
            this.decider = Checks.notNull(v, "decider");
            return this;
        }

        /** Commands of class {@code type} that steps send go to {@code handler}. */
        public <C> Builder<S> command(Class<C> commandType, CommandHandler<C, ?> handler) {
            Checks.notNull(commandType, "commandType");
            Checks.notNull(handler, "handler");
            if (handlers.putIfAbsent(commandType, handler) != null) {
                throw new InvalidInputException("commandType", commandType.getName() + " already has a handler");
            }
            return this;
        }

        public Builder<S> deadlines(DeadlineScheduler v) {
            this.deadlines = Checks.notNull(v, "deadlines");
            return this;
        }

        /** The producing service written on the process's events. */
        public Builder<S> source(String v) {
            this.source = v;
            return this;
        }

        public Builder<S> clock(Clock v) {
            this.clock = Checks.notNull(v, "clock");
            return this;
        }

        /** Loads and decisions of one input when other workers keep appending to the same process. */
        public Builder<S> maxAttempts(int v) {
            this.maxAttempts = v;
            return this;
        }

        /** Resends of one append after a retryable store failure (throttling, a lost response). */
        public Builder<S> maxAppendRetries(int v) {
            this.maxAppendRetries = v;
            return this;
        }

        /**
         * Each aggregate's events reach the process manager in version order, once: the projection
         * mechanism, as {@code Reactor.Builder#inOrder} uses it, with a checkpoint per aggregate named
         * {@code process:<name>} in {@code checkpoints}. An event past the next version first makes
         * the missing ones (read from the store) be handled; one at or below the checkpoint is
         * {@code ALREADY_STEPPED} without a read of the process. For flows that must see a source
         * aggregate's events in order; costs a checkpoint read and write per event.
         */
        public Builder<S> inOrder(CheckpointStore v) {
            this.checkpoints = Checks.notNull(v, "checkpoints");
            return this;
        }

        public ProcessManager<S> build() {
            if (inputs.isEmpty()) {
                throw new InvalidInputException("on", "a process manager needs at least one input event type");
            }
            if (decider == null) {
                throw new InvalidInputException("decide", "a process manager needs a decider");
            }
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", "must be at least 1, was " + maxAttempts);
            }
            if (maxAppendRetries < 0) {
                throw new InvalidInputException("maxAppendRetries", "must not be negative, was " + maxAppendRetries);
            }
            return new ProcessManager<>(this);
        }
    }
}
