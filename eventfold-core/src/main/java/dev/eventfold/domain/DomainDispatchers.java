package dev.eventfold.domain;

import dev.eventfold.internal.Checks;
import java.util.Objects;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.context.EventContext;
import dev.eventfold.internal.DerivedIds;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.core.json.EventJson;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.dispatch.EventSpec;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Typed domain dispatchers, the Java form of the reference runtime's {@code createDispatch}:
 * declare the events of an aggregate once as an interface, get type-checked calls. The
 * interface is checked when the dispatcher is created; a wrong declaration fails there with a
 * {@link DomainDefinitionException} naming the method, never at the first call.
 *
 * <pre>{@code
 * @DomainEvents(aggregateType = "wallet", source = "billing")
 * public interface WalletEvents {
 *     @Event("Wallet.Created")
 *     DispatchResult created(@AggregateId String walletId, @Field("owner") String owner);
 *
 *     @Event("Wallet.Funded")
 *     DispatchResult funded(@AggregateId String walletId, @Field("amount") long amount);
 * }
 *
 * WalletEvents wallet = DomainDispatchers.create(WalletEvents.class, dispatcher);
 * wallet.funded("wal_123", 5000);   // Wallet.Funded {"amount":5000} on wallet/wal_123
 * }</pre>
 *
 * Event methods return {@link DispatchResult} or {@code void}; {@code default} methods run as
 * written, so an interface can offer richer commands built from its events.
 */
public final class DomainDispatchers {
    private static final Set<String> OPTIONS = Set.of("eventId", "idempotencyKey", "source", "tenantId",
            "correlationId", "causationId", "actorId", "occurredAt", "schemaVersion", "expectedVersion");

    private DomainDispatchers() {
    }

    /** A dispatcher for an interface annotated with {@link DomainEvents}. */
    public static <T> T create(Class<T> type, Dispatcher dispatcher) {
        return builder(type, dispatcher).build();
    }

    public static <T> Builder<T> builder(Class<T> type, Dispatcher dispatcher) {
        return new Builder<>(type, dispatcher);
    }

    /**
     * Binds the default options of a typed dispatcher. The aggregate type and source come from
     * {@link DomainEvents} unless set here.
     */
    public static final class Builder<T> {
        private final Class<T> type;
        private final Dispatcher dispatcher;
        private String aggregateType;
        private String source;
        private EventEnricher enricher = (event, context) -> event;

        private Builder(Class<T> type, Dispatcher dispatcher) {
            this.type = Checks.notNull(type, "type");
            this.dispatcher = Checks.notNull(dispatcher, "dispatcher");
        }

        public Builder<T> aggregateType(String v) {
            this.aggregateType = v;
            return this;
        }

        public Builder<T> source(String v) {
            this.source = v;
            return this;
        }

        /** Computes fields of every event from the event and the current context. */
        public Builder<T> enricher(EventEnricher v) {
            this.enricher = Checks.notNull(v, "enricher");
            return this;
        }

        /** @throws DomainDefinitionException the interface is not a valid event declaration */
        public T build() {
            if (!type.isInterface()) {
                throw new DomainDefinitionException(type, null, "must be an interface");
            }
            DomainEvents declared = type.getAnnotation(DomainEvents.class);
            String aggType = aggregateType != null ? aggregateType : declared == null ? null : declared.aggregateType();
            String src = source != null ? source : declared == null ? null : declared.source();
            if (aggType == null) {
                throw new DomainDefinitionException(type, null,
                        "no aggregate type: annotate it with @DomainEvents or set one on the builder");
            }
            try {
                AggregateRef.of(aggType, "probe"); // the same check every dispatch would make
            } catch (InvalidInputException e) {
                throw new DomainDefinitionException(type, null, "aggregate type " + e.getMessage());
            }
            Map<Method, EventMethod> methods = new HashMap<>();
            for (Method m : type.getMethods()) {
                if (m.isDefault() || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                methods.put(m, EventMethod.of(type, m));
            }
            if (methods.isEmpty()) {
                throw new DomainDefinitionException(type, null, "declares no event method");
            }
            Handler handler = new Handler(type, dispatcher, aggType, src, enricher, Map.copyOf(methods));
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, handler));
        }
    }

    private record Handler(Class<?> type, Dispatcher dispatcher, String aggregateType, String source,
                           EventEnricher enricher, Map<Method, EventMethod> methods) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> type.getSimpleName() + "[" + aggregateType + " events]";
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            EventMethod em = methods.get(method);
            EventSpec spec = em.toSpec(aggregateType, source, args == null ? new Object[0] : args);
            // The enricher sees the event as it will be appended, its id included.
            EventContext context = EventContext.current();
            DispatchResult result = dispatcher.dispatchEvent(spec,
                    resolved -> Objects.requireNonNull(enricher.enrich(resolved, context), "enricher returned null"));
            return em.returnsResult() ? result : null;
        }
    }

    /** An event method, checked once: where each argument goes. */
    private record EventMethod(String signature, String eventType, int schemaVersion, boolean creates, int aggregateIdIndex,
                               List<String> fieldNames, List<Integer> fieldIndexes, int payloadIndex,
                               List<String> optionNames, List<Integer> optionIndexes, boolean returnsResult) {

        static EventMethod of(Class<?> type, Method m) {
            String sig = m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                    .collect(Collectors.joining(", ", "(", ")"));
            Event event = m.getAnnotation(Event.class);
            if (event == null) {
                throw new DomainDefinitionException(type, sig, "an event method needs @Event(\"Type.Name\")");
            }
            if (event.value().isBlank()) {
                throw new DomainDefinitionException(type, sig, "@Event needs a non-blank event type");
            }
            if (event.schemaVersion() < 1) {
                throw new DomainDefinitionException(type, sig, "schemaVersion must be at least 1");
            }
            Class<?> ret = m.getReturnType();
            if (ret != void.class && ret != DispatchResult.class) {
                throw new DomainDefinitionException(type, sig, "must return DispatchResult or void, not "
                        + ret.getSimpleName());
            }
            int aggregateId = -1;
            int payload = -1;
            List<String> fields = new ArrayList<>();
            List<Integer> fieldIdx = new ArrayList<>();
            List<String> options = new ArrayList<>();
            List<Integer> optionIdx = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Parameter[] params = m.getParameters();
            for (int i = 0; i < params.length; i++) {
                Parameter p = params[i];
                int roles = (p.isAnnotationPresent(AggregateId.class) ? 1 : 0) + (p.isAnnotationPresent(Field.class) ? 1 : 0)
                        + (p.isAnnotationPresent(Payload.class) ? 1 : 0) + (p.isAnnotationPresent(Option.class) ? 1 : 0);
                String where = "parameter " + (i + 1) + " (" + p.getType().getSimpleName() + ")";
                if (roles != 1) {
                    throw new DomainDefinitionException(type, sig, where + " needs exactly one of @AggregateId,"
                            + " @Field, @Payload, @Option");
                }
                if (p.isAnnotationPresent(AggregateId.class)) {
                    if (aggregateId >= 0) {
                        throw new DomainDefinitionException(type, sig, "more than one @AggregateId parameter");
                    }
                    aggregateId = i;
                } else if (p.isAnnotationPresent(Payload.class)) {
                    if (payload >= 0) {
                        throw new DomainDefinitionException(type, sig, "more than one @Payload parameter");
                    }
                    payload = i;
                } else if (p.isAnnotationPresent(Field.class)) {
                    String name = p.getAnnotation(Field.class).value();
                    if (name.isBlank()) {
                        if (!p.isNamePresent()) {
                            throw new DomainDefinitionException(type, sig, where + ": name the field, @Field(\"name\"),"
                                    + " or compile with -parameters");
                        }
                        name = p.getName();
                    }
                    if (!seen.add(name)) {
                        throw new DomainDefinitionException(type, sig, "payload field '" + name + "' appears twice");
                    }
                    fields.add(name);
                    fieldIdx.add(i);
                } else {
                    String option = p.getAnnotation(Option.class).value();
                    if (!OPTIONS.contains(option)) {
                        throw new DomainDefinitionException(type, sig, where + ": unknown option '" + option
                                + "'; known options: " + OPTIONS.stream().sorted().collect(Collectors.joining(", ")));
                    }
                    if (options.contains(option)) {
                        throw new DomainDefinitionException(type, sig, "option '" + option + "' appears twice");
                    }
                    requireOptionType(type, sig, where, option, p.getType());
                    options.add(option);
                    optionIdx.add(i);
                }
            }
            if (aggregateId < 0) {
                throw new DomainDefinitionException(type, sig, "no @AggregateId parameter: which aggregate does the"
                        + " event belong to?");
            }
            if (payload >= 0 && !fields.isEmpty()) {
                throw new DomainDefinitionException(type, sig, "@Payload and @Field cannot be combined");
            }
            return new EventMethod(sig, event.value(), event.schemaVersion(), event.creates(), aggregateId, List.copyOf(fields),
                    List.copyOf(fieldIdx), payload, List.copyOf(options), List.copyOf(optionIdx), ret != void.class);
        }

        private static void requireOptionType(Class<?> type, String sig, String where, String option, Class<?> t) {
            boolean ok = switch (option) {
                case "occurredAt" -> t == String.class || t == Instant.class;
                case "schemaVersion" -> t == int.class || t == Integer.class;
                case "expectedVersion" -> t == long.class || t == Long.class || t == int.class || t == Integer.class;
                default -> t == String.class;
            };
            if (!ok) {
                throw new DomainDefinitionException(type, sig, where + ": option '" + option + "' cannot take a "
                        + t.getSimpleName());
            }
        }

        EventSpec toSpec(String aggregateType, String source, Object[] args) {
            Object id = args[aggregateIdIndex];
            if (id == null) {
                throw new InvalidInputException("aggregateId", "must not be null (" + signature + ")");
            }
            EventSpec.Builder b = EventSpec.builder()
                    .aggregate(aggregateType, id.toString())
                    .eventType(eventType)
                    .schemaVersion(schemaVersion)
                    .source(source);
            if (creates) {
                b.creating();
            }
            if (payloadIndex >= 0) {
                b.payload(args[payloadIndex]);
            } else {
                ObjectNode payload = EventJson.mapper().createObjectNode();
                for (int i = 0; i < fieldNames.size(); i++) {
                    Object v = args[fieldIndexes.get(i)];
                    // A null argument is kept as JSON null, like a null inside any payload.
                    JsonNode node = v == null ? payload.nullNode() : EventJson.toPayload(v);
                    payload.set(fieldNames.get(i), node);
                }
                b.payload(payload);
            }
            for (int i = 0; i < optionNames.size(); i++) {
                Object v = args[optionIndexes.get(i)];
                if (v != null) {
                    applyOption(b, optionNames.get(i), v);
                }
            }
            EventSpec spec = b.build();
            if (spec.idempotencyKey() != null && spec.eventId() == null) {
                // The caller's key names this event: a retry with the same key is the same event, which
                // the store recognises as already appended (as commands derive theirs from the command id).
                // The event type is part of it: the key reused for another kind of event (a withdrawal
                // under a deposit's request id) is another event id, which the store refuses under a
                // key it has seen, instead of answering with the deposit as "already appended".
                return spec.withEventId(DerivedIds.eventId(spec.aggregate(),
                        spec.idempotencyKey() + "\n" + spec.eventType(), 0));
            }
            return spec;
        }

        private static void applyOption(EventSpec.Builder b, String option, Object v) {
            switch (option) {
                case "eventId" -> b.eventId((String) v);
                case "idempotencyKey" -> b.idempotencyKey((String) v);
                case "source" -> b.source((String) v);
                case "tenantId" -> b.tenantId((String) v);
                case "correlationId" -> b.correlationId((String) v);
                case "causationId" -> b.causationId((String) v);
                case "actorId" -> b.actorId((String) v);
                case "occurredAt" -> {
                    if (v instanceof Instant instant) {
                        b.occurredAt(instant);
                    } else {
                        b.occurredAt((String) v);
                    }
                }
                case "schemaVersion" -> b.schemaVersion((Integer) v);
                case "expectedVersion" -> b.expectedVersion(((Number) v).longValue());
                default -> throw new IllegalStateException("option checked at creation: " + option);
            }
        }
    }
}
