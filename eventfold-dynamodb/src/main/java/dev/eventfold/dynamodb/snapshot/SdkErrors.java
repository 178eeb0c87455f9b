package dev.eventfold.dynamodb.snapshot;

import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.EventStoreException.Kind;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * SDK failures as {@link EventStoreException} kinds, with the rules of the store's own
 * translation: throttling, 5xx and lost connections are retryable; a write without an answer
 * has an unknown outcome.
 */
final class SdkErrors {
    private SdkErrors() {
    }

    static EventStoreException translate(String operation, boolean write, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? "?" : s.awsErrorDetails().errorCode();
            if (s.isThrottlingException() || "ProvisionedThroughputExceededException".equals(code)
                    || "RequestLimitExceeded".equals(code)) {
                return new EventStoreException(operation, Kind.THROTTLED, s.statusCode() + " " + code, e);
            }
            if (s.statusCode() >= 500) {
                return new EventStoreException(operation, write ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE,
                        s.statusCode() + " " + code, e);
            }
            return new EventStoreException(operation, Kind.REJECTED, s.statusCode() + " " + code, e);
        }
        if (e instanceof SdkClientException) {
            return new EventStoreException(operation, write ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE,
                    String.valueOf(e.getMessage()), e);
        }
        return new EventStoreException(operation, Kind.REJECTED, String.valueOf(e.getMessage()), e);
    }
}
