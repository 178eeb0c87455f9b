package com.example.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.EventRecord;
import dev.eventfold.store.EventQuery;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command side on the embedded runtime: what a request appends, and what it answers. */
class WalletApiHandlerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final EmbeddedWalletService service = new EmbeddedWalletService();

    @AfterEach
    void close() {
        service.close();
    }

    static JsonNode body(APIGatewayV2HTTPResponse r) throws Exception {
        assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
        return JSON.readTree(r.getBody());
    }

    List<EventRecord> events(String walletId) {
        return service.store.readEvents(EventQuery.of(AggregateRef.of("wallet", walletId))).toList();
    }

    @Nested
    class Appending {
        @Test
        void a_deposit_appends_one_funded_event_and_answers_201() throws Exception {
            APIGatewayV2HTTPResponse r = service.deposit("w-1", "r-1", 5000);

            assertThat(r.getStatusCode()).isEqualTo(201);
            JsonNode answer = body(r);
            assertThat(answer.get("walletId").asText()).isEqualTo("w-1");
            assertThat(answer.get("version").asLong()).isEqualTo(1);
            assertThat(answer.get("alreadyAppended").asBoolean()).isFalse();
            EventRecord funded = events("w-1").get(0);
            assertThat(events("w-1")).hasSize(1);
            assertThat(funded.eventType()).isEqualTo("Wallet.Funded");
            assertThat(funded.source()).isEqualTo("wallet-service");
            assertThat(funded.payload().get("amount").asLong()).isEqualTo(5000);
            assertThat(funded.eventId()).isEqualTo(answer.get("eventId").asText());
        }

        @Test
        void a_withdrawal_appends_a_withdrawn_event_after_the_deposit() {
            service.deposit("w-1", "r-1", 5000);
            APIGatewayV2HTTPResponse r = service.withdraw("w-1", "r-2", 1200);

            assertThat(r.getStatusCode()).isEqualTo(201);
            assertThat(events("w-1")).extracting(EventRecord::eventType, EventRecord::version)
                    .containsExactly(tuple("Wallet.Funded", 1L), tuple("Wallet.Withdrawn", 2L));
            assertThat(events("w-1").get(1).payload().get("amount").asLong()).isEqualTo(1200);
        }

        @Test
        void a_base64_encoded_body_is_read_like_a_plain_one() {
            String body = EmbeddedWalletService.money("r-1", 700);
            APIGatewayV2HTTPEvent request = LambdaEvents.post("deposits", "w-1",
                    Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
            request.setIsBase64Encoded(true);

            assertThat(service.api.handleRequest(request, null).getStatusCode()).isEqualTo(201);
            assertThat(events("w-1").get(0).payload().get("amount").asLong()).isEqualTo(700);
        }
    }

    @Nested
    class RetriesWithTheSameRequestId {
        @Test
        void the_same_request_twice_appends_one_event_and_the_second_answer_says_already_appended() throws Exception {
            JsonNode first = body(service.deposit("w-1", "r-1", 5000));
            APIGatewayV2HTTPResponse again = service.deposit("w-1", "r-1", 5000);

            assertThat(again.getStatusCode()).isEqualTo(200);
            JsonNode second = body(again);
            assertThat(second.get("alreadyAppended").asBoolean()).isTrue();
            assertThat(second.get("eventId").asText()).isEqualTo(first.get("eventId").asText());
            assertThat(second.get("version").asLong()).isEqualTo(1);
            assertThat(events("w-1")).hasSize(1);
        }

        @Test
        void a_retry_that_comes_after_later_requests_is_still_recognised() throws Exception {
            service.deposit("w-1", "r-1", 5000);
            service.withdraw("w-1", "r-2", 1200);
            service.deposit("w-1", "r-3", 300);
            APIGatewayV2HTTPResponse late = service.deposit("w-1", "r-1", 5000);

            assertThat(late.getStatusCode()).isEqualTo(200);
            assertThat(body(late).get("version").asLong()).isEqualTo(1);
            assertThat(events("w-1")).hasSize(3);
        }

        @Test
        void the_same_request_id_on_another_wallet_is_another_request() {
            assertThat(service.deposit("w-1", "r-1", 5000).getStatusCode()).isEqualTo(201);
            assertThat(service.deposit("w-2", "r-1", 5000).getStatusCode()).isEqualTo(201);
            assertThat(events("w-1")).hasSize(1);
            assertThat(events("w-2")).hasSize(1);
        }

        @Test
        void a_request_id_used_again_for_another_amount_or_a_withdrawal_is_refused_and_writes_nothing() throws Exception {
            service.deposit("w-1", "r-1", 5000);

            for (APIGatewayV2HTTPResponse r : List.of(service.deposit("w-1", "r-1", 6000), service.withdraw("w-1", "r-1", 5000))) {
                assertThat(r.getStatusCode()).isEqualTo(422);
                assertThat(body(r).get("error").asText()).isEqualTo("request_id_reused");
                assertThat(body(r).get("field").asText()).isEqualTo("requestId");
            }
            assertThat(events("w-1")).extracting(EventRecord::eventType).containsExactly("Wallet.Funded");
        }
    }

    @Nested
    class BadInput {
        // walletId | body | the field named in the answer
        @ParameterizedTest(name = "[{index}] {1} -> {2}")
        @CsvSource(delimiter = '|', nullValues = "NULL", value = {
                "w-1 | NULL                                          | body",
                "w-1 | ''                                            | body",
                "w-1 | not json                                      | body",
                "w-1 | [1, 2]                                        | body",
                "w-1 | {\"amount\": 5000}                            | requestId",
                "w-1 | {\"requestId\": \"\", \"amount\": 5000}       | requestId",
                "w-1 | {\"requestId\": \"r 1\", \"amount\": 5000}    | requestId",
                "w-1 | {\"requestId\": 7, \"amount\": 5000}          | requestId",
                "w-1 | {\"requestId\": \"r-1\"}                      | amount",
                "w-1 | {\"requestId\": \"r-1\", \"amount\": 0}       | amount",
                "w-1 | {\"requestId\": \"r-1\", \"amount\": -5}      | amount",
                "w-1 | {\"requestId\": \"r-1\", \"amount\": 12.5}    | amount",
                "w-1 | {\"requestId\": \"r-1\", \"amount\": \"12\"}  | amount",
                "w-1 | {\"requestId\": \"r-1\", \"amount\": 100000001} | amount",
                "w-1 | {\"requestId\": \"r-1\", \"amount\": 99999999999999999999} | amount",
                "w#1 | {\"requestId\": \"r-1\", \"amount\": 5000}    | walletId",
        })
        void is_a_400_naming_the_field_and_nothing_is_appended_or_published(String walletId, String requestBody,
                                                                          String field) throws Exception {
            APIGatewayV2HTTPResponse r = service.api.handleRequest(LambdaEvents.post("deposits", walletId, requestBody), null);

            assertThat(r.getStatusCode()).isEqualTo(400);
            JsonNode answer = body(r);
            assertThat(answer.get("error").asText()).isEqualTo("invalid_request");
            assertThat(answer.get("field").asText()).isEqualTo(field);
            assertThat(service.store.allEvents()).isEmpty();
            service.fanOut();
            assertThat(service.queue().acceptedBodies()).isEmpty();
        }

        @Test
        void a_request_id_longer_than_64_characters_is_refused() throws Exception {
            APIGatewayV2HTTPResponse r = service.deposit("w-1", "r".repeat(65), 5000);

            assertThat(r.getStatusCode()).isEqualTo(400);
            assertThat(body(r).get("field").asText()).isEqualTo("requestId");
            assertThat(service.store.allEvents()).isEmpty();
        }

        @Test
        void a_missing_wallet_id_is_refused() throws Exception {
            APIGatewayV2HTTPEvent request = LambdaEvents.post("deposits", "w-1", EmbeddedWalletService.money("r-1", 5));
            request.setPathParameters(Map.of());

            APIGatewayV2HTTPResponse r = service.api.handleRequest(request, null);
            assertThat(r.getStatusCode()).isEqualTo(400);
            assertThat(body(r).get("field").asText()).isEqualTo("walletId");
            assertThat(service.store.allEvents()).isEmpty();
        }

        @Test
        void an_unknown_route_is_a_404_and_writes_nothing() throws Exception {
            APIGatewayV2HTTPEvent request = LambdaEvents.post("deposits", "w-1", EmbeddedWalletService.money("r-1", 5));
            request.setRouteKey("DELETE /wallets/{walletId}");

            APIGatewayV2HTTPResponse r = service.api.handleRequest(request, null);
            assertThat(r.getStatusCode()).isEqualTo(404);
            assertThat(body(r).get("error").asText()).isEqualTo("not_found");
            assertThat(service.store.allEvents()).isEmpty();
        }
    }
}
