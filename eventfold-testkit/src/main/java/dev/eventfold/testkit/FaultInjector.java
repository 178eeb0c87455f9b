package dev.eventfold.testkit;

import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Injects faults into real SDK calls, per operation and in order, through the SDK's own
 * interceptor chain: the request really goes to the server (or really does not).
 *
 * <pre>{@code
 * FaultInjector faults = new FaultInjector();
 * DynamoDbClient ddb = aws.dynamoDb(faults);
 * faults.next("TransactWriteItems", Fault.LOSE_RESPONSE); // commits, then the caller sees an error
 * }</pre>
 */
public final class FaultInjector implements ExecutionInterceptor {

    /** What to do to one request. */
    public enum Fault {
        /** Send the request and let the server apply it, then fail as if the connection dropped. */
        LOSE_RESPONSE,
        /** Fail before sending with DynamoDB's throttling error (HTTP 400 ThrottlingException). */
        THROTTLE,
        /** Fail before sending as if the server answered 500 InternalServerError. */
        SERVER_ERROR,
        /** Fail before sending as if the connection could not be made. */
        CONNECTION_REFUSED,
        /** Fail before sending as DynamoDB cancels a transaction for throttling on its first item. */
        TRANSACTION_THROTTLED,
        /** Fail before sending as DynamoDB cancels a transaction for a validation error on its first item. */
        TRANSACTION_VALIDATION_ERROR,
        /**
         * Fail before sending as DynamoDB cancels a transaction because another transaction was
         * writing its items at the same moment ({@code TransactionConflict} on every action).
         */
        TRANSACTION_CONFLICT,
        /**
         * Fail before sending as DynamoDB answers a {@code ClientRequestToken} it holds for a
         * transaction with other parameters (HTTP 400 IdempotentParameterMismatchException).
         */
        IDEMPOTENT_PARAMETER_MISMATCH
    }

    private final Map<String, Queue<Fault>> planned = new ConcurrentHashMap<>();
    private final AtomicInteger injected = new AtomicInteger();

    /** The next request of {@code operation} gets {@code fault}; several calls queue up. */
    public FaultInjector next(String operation, Fault fault) {
        planned.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(fault);
        return this;
    }

    public FaultInjector next(String operation, Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            next(operation, fault);
        }
        return this;
    }

    public int injected() {
        return injected.get();
    }

    /** Forgets planned faults and the count of injected ones. */
    public void clear() {
        planned.clear();
        injected.set(0);
    }

    private static final ExecutionAttribute<Fault> CHOSEN = new ExecutionAttribute<>("eventfold.fault");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Queue<Fault> q = planned.get(op);
        Fault fault = q == null ? null : q.poll();
        if (fault == null) {
            return;
        }
        injected.incrementAndGet();
        switch (fault) {
            case LOSE_RESPONSE -> attributes.putAttribute(CHOSEN, fault);
            case THROTTLE -> throw serviceError(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput (injected)");
            case SERVER_ERROR -> throw serviceError(500, "InternalServerError", "Internal server error (injected)");
            case CONNECTION_REFUSED -> throw SdkClientException.create("Unable to execute HTTP request (injected)",
                    new java.net.ConnectException("Connection refused (injected)"));
            case TRANSACTION_THROTTLED -> throw cancelled("ThrottlingError");
            case TRANSACTION_VALIDATION_ERROR -> throw cancelled("ValidationError");
            case TRANSACTION_CONFLICT -> throw cancelled("TransactionConflict");
            case IDEMPOTENT_PARAMETER_MISMATCH -> {
                String message = "Request token already used for another request (injected)";
                throw software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException.builder()
                        .statusCode(400).message(message)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("IdempotentParameterMismatchException")
                                .errorMessage(message).build())
                        .build();
            }
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(CHOSEN) == Fault.LOSE_RESPONSE) {
            attributes.putAttribute(CHOSEN, null);
            // The server has applied the request; its answer never reaches the caller.
            throw SdkClientException.create("response lost (injected)", new IOException("Connection reset (injected)"));
        }
    }

    private static software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException cancelled(String code) {
        String message = "Transaction cancelled, please refer cancellation reasons for specific reasons [" + code + "] (injected)";
        return software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException.builder()
                        .statusCode(400)
                        .message(message)
                        .cancellationReasons(software.amazon.awssdk.services.dynamodb.model.CancellationReason.builder()
                                .code(code).message(code + " (injected)").build())
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException")
                                .errorMessage(message).build())
                        .build();
    }

    private static AwsServiceException serviceError(int status, String code, String message) {
        return AwsServiceException.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .build();
    }
}
