package dev.eventfold.cli;

import dev.eventfold.core.EventfoldException;
import dev.eventfold.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns what a command threw into one line and an exit code. */
final class Errors {
    private Errors() {
    }

    static int exitCode(Throwable e) {
        return e instanceof InvalidInputException ? EventfoldCli.EXIT_USAGE : EventfoldCli.EXIT_FAILED;
    }

    /** True for what the user cannot fix from the message alone: a bug, worth a stack trace. */
    static boolean isUnexpected(Throwable e) {
        return !(e instanceof EventfoldException || e instanceof AwsServiceException || e instanceof SdkClientException
                || e instanceof UncheckedIOException || e instanceof IOException);
    }

    static String describe(Throwable e) {
        if (e instanceof InvalidInputException i) {
            return "invalid " + oneLine(i.getMessage());
        }
        if (e instanceof EventfoldException) {
            AwsServiceException service = find(e, AwsServiceException.class);
            String base = oneLine(e.getMessage());
            return service == null ? base : base + " - " + serviceMessage(service);
        }
        if (e instanceof AwsServiceException s) {
            return serviceMessage(s);
        }
        if (e instanceof SdkClientException c) {
            return "cannot reach the service: " + oneLine(c.getMessage());
        }
        if (e instanceof UncheckedIOException u) {
            return oneLine(u.getMessage()) + ": " + oneLine(String.valueOf(u.getCause().getMessage()));
        }
        if (e instanceof IOException) {
            return oneLine(e.getMessage());
        }
        return "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()));
    }

    private static String serviceMessage(AwsServiceException s) {
        var d = s.awsErrorDetails();
        String code = d == null ? "" : String.valueOf(d.errorCode());
        String message = d == null ? oneLine(s.getMessage()) : oneLine(String.valueOf(d.errorMessage()));
        String service = d == null || d.serviceName() == null ? "AWS" : d.serviceName();
        String hint = "ResourceNotFoundException".equals(code) && "DynamoDb".equals(service)
                ? " (does the table exist? 'eventfold create-table' creates it)" : "";
        return service + " refused the request: " + code + ": " + message + hint;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
