package com.example.wallet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.Dispatcher;
import dev.eventfold.domain.DomainDispatchers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command side, behind an API Gateway HTTP API (payload format 2.0):
 * <pre>
 * POST /wallets/{walletId}/deposits     {"requestId": "r-1", "amount": 5000}   -> 201, or 200 for a retry
 * POST /wallets/{walletId}/withdrawals  {"requestId": "r-2", "amount": 1200}
 * </pre>
 * Each request appends one event through the typed dispatcher {@link WalletEvents}. The same
 * request id again appends nothing and answers 200 with {@code "alreadyAppended": true}; a request
 * id already used for another deposit or withdrawal is refused (422). Bad input is a 400 naming
 * the field, before anything is sent. Balances are not checked here: the read model is eventually
 * consistent, and a rule on the current state belongs in a decider (a {@code CommandHandler}).
 */
public final class WalletApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final String DEPOSIT = "POST /wallets/{walletId}/deposits";
    static final String WITHDRAWAL = "POST /wallets/{walletId}/withdrawals";
    private static final Logger log = LoggerFactory.getLogger(WalletApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dispatcher dispatcher;
    private final WalletEvents wallets;

    /** The function's constructor: wired from its environment ({@link Wiring}); no client is built before the first request. */
    public WalletApiHandler() {
        this(Wiring.fromEnvironment().dispatcher());
    }

    /** Any dispatcher: on an in-memory store in tests, on DynamoDB in the function. */
    public WalletApiHandler(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.wallets = DomainDispatchers.create(WalletEvents.class, dispatcher);
    }

    /** The answer to a deposit or withdrawal. */
    record Appended(String walletId, String eventId, long version, boolean alreadyAppended) {
    }

    /** The answer to a request that was refused. */
    record Problem(String error, String field, String message) {
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
        String route = request.getRouteKey() == null ? "" : request.getRouteKey();
        if (!route.equals(DEPOSIT) && !route.equals(WITHDRAWAL)) {
            return respond(404, new Problem("not_found", null, "no route " + route));
        }
        try {
            Map<String, String> path = request.getPathParameters() == null ? Map.of() : request.getPathParameters();
            MoneyRequest money = MoneyRequest.parse(path.get("walletId"), body(request));
            boolean deposit = route.equals(DEPOSIT);
            DispatchResult r = deposit
                    ? wallets.funded(money.walletId(), money.amount(), money.requestId())
                    : wallets.withdrawn(money.walletId(), money.amount(), money.requestId());
            String eventType = deposit ? WalletEvents.FUNDED : WalletEvents.WITHDRAWN;
            if (r.alreadyAppended() && !sameRequest(r, eventType, money)) {
                return respond(422, new Problem("request_id_reused", "requestId",
                        "requestId " + money.requestId() + " was used for another request on this wallet"));
            }
            log.info("{} {} request {}: {} v{}", eventType, money.walletId(), money.requestId(),
                    r.alreadyAppended() ? "already appended at" : "appended", r.version());
            return respond(r.alreadyAppended() ? 200 : 201,
                    new Appended(money.walletId(), r.eventId(), r.version(), r.alreadyAppended()));
        } catch (InvalidInputException e) {
            if ("idempotencyKey".equals(e.field())) {
                // The request id names an event of another kind (a withdrawal under a deposit's id):
                // the store refuses it, nothing was written.
                return respond(422, new Problem("request_id_reused", "requestId", e.getMessage()));
            }
            return respond(400, new Problem("invalid_request", e.field(), e.getMessage()));
        } catch (EventStoreException e) {
            if (!e.isRetryable()) {
                throw e;
            }
            // Throttled or unavailable after the dispatcher's own retries: the client may retry
            // with the same request id, which is safe whether or not this attempt landed.
            log.warn("append not confirmed, answering 503: {}", e.kind());
            return respond(503, new Problem("unavailable", null, "try again with the same requestId"));
        }
    }

    /**
     * A request id seen before for the same kind of event is recognised as a repeat whatever the
     * amount: check that the event it names is this request's (one read, only for a repeated
     * request id). One seen for another kind of event is refused by the store (above).
     */
    private boolean sameRequest(DispatchResult r, String eventType, MoneyRequest money) {
        return dispatcher.store().getEvent(r.aggregate(), r.version())
                .map(e -> e.eventType().equals(eventType) && e.payload().path("amount").asLong() == money.amount())
                .orElse(false);
    }

    private static String body(APIGatewayV2HTTPEvent request) {
        String body = request.getBody();
        return body != null && request.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
    }

    private static APIGatewayV2HTTPResponse respond(int status, Object body) {
        try {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response record is always serialisable", e);
        }
    }
}
