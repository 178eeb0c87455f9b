package dev.eventfold.dynamodb.internal;

import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.EventStoreException.Kind;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps SDK failures to {@link EventStoreException} kinds, which decide whether a retry can help.
 * Shared by every DynamoDB component (store, snapshots, checkpoints, scans) so they classify alike.
 * A write that failed without an answer (timeout, lost connection, 5xx) may have been applied:
 * that is {@link Kind#UNKNOWN_OUTCOME}, retried with the same ids so the store can recognise it.
 */
public final class DynamoErrors {
    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "ProvisionedThroughputExceededException",
            "RequestLimitExceeded", "Throttling", "TooManyRequestsException");

    private DynamoErrors() {
    }

    public static EventStoreException translate(String operation, boolean write, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            if (s.isThrottlingException() || (code != null && THROTTLING.contains(code))) {
                return new EventStoreException(operation, Kind.THROTTLED, describe(s), e);
            }
            if (s.statusCode() >= 500) {
                return new EventStoreException(operation, write ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE, describe(s), e);
            }
            return new EventStoreException(operation, Kind.REJECTED, describe(s), e);
        }
        if (e instanceof SdkClientException) {
            return new EventStoreException(operation, write ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE,
                    String.valueOf(e.getMessage()), e);
        }
        return new EventStoreException(operation, Kind.REJECTED, String.valueOf(e.getMessage()), e);
    }

    private static String describe(AwsServiceException s) {
        String code = s.awsErrorDetails() == null ? "?" : s.awsErrorDetails().errorCode();
        return s.statusCode() + " " + code;
    }
}
