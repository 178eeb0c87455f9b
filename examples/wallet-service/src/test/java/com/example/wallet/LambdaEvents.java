package com.example.wallet;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.eventfold.listener.QueueMessage;
import java.util.List;
import java.util.Map;

/** The events Lambda hands the functions, as API Gateway and an SQS event source mapping build them. */
final class LambdaEvents {
    private LambdaEvents() {
    }

    /** An HTTP API request (payload format 2.0) for {@code POST /wallets/{walletId}/<action>}. */
    static APIGatewayV2HTTPEvent post(String action, String walletId, String body) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /wallets/{walletId}/" + action)
                .withRawPath("/wallets/" + walletId + "/" + action)
                .withPathParameters(Map.of("walletId", walletId))
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    /** A batch as the SQS event source mapping delivers it: message id, body, and the FIFO group. */
    static SQSEvent sqs(List<QueueMessage> messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(messages.stream().map(m -> {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setBody(m.body());
            record.setEventSource("aws:sqs");
            m.group().ifPresent(group -> record.setAttributes(Map.of("MessageGroupId", group)));
            return record;
        }).toList());
        return event;
    }
}
