package com.example.wallet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventfold.core.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A deposit or a withdrawal as the API receives it, checked before anything is sent: a value that
 * breaks a rule is an {@link InvalidInputException} naming the field.
 *
 * @param walletId  from the path: 1 to 64 letters, digits, {@code -} or {@code _}
 * @param requestId chosen by the client, one per deposit or withdrawal, sent again unchanged on a
 *                  retry: 1 to 64 letters, digits, {@code -} or {@code _} (a UUID will do)
 * @param amount    cents, 1 to {@link #MAX_AMOUNT}
 */
public record MoneyRequest(String walletId, String requestId, long amount) {
    public static final long MAX_AMOUNT = 100_000_000L; // 1,000,000.00 in one request
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public MoneyRequest {
        require(walletId != null && ID.matcher(walletId).matches(), "walletId",
                "1 to 64 letters, digits, '-' or '_'");
        require(requestId != null && ID.matcher(requestId).matches(), "requestId",
                "1 to 64 letters, digits, '-' or '_', the same on every retry of one request");
        require(amount >= 1 && amount <= MAX_AMOUNT, "amount", "cents, from 1 to " + MAX_AMOUNT);
    }

    /** Reads a body {@code {"requestId": "r-1", "amount": 5000}}; other fields are ignored. */
    public static MoneyRequest parse(String walletId, String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("body", "not JSON");
        }
        require(json != null && json.isObject(), "body", "a JSON object {\"requestId\": ..., \"amount\": ...}");
        JsonNode requestId = json.path("requestId");
        JsonNode amount = json.path("amount");
        require(requestId.isTextual(), "requestId", "required, a string");
        // isIntegralNumber: 12.5 and "12" are refused rather than rounded or converted.
        require(amount.isIntegralNumber() && amount.canConvertToLong(), "amount", "required, a whole number of cents");
        return new MoneyRequest(walletId, requestId.textValue(), amount.longValue());
    }

    private static void require(boolean ok, String field, String rule) {
        if (!ok) {
            throw new InvalidInputException(field, rule);
        }
    }
}
