package dev.eventfold.core;

/**
 * An append that does not fit one DynamoDB transaction (100 actions including the head,
 * 4 MB in all) or an event item over 400 KB. Eventfold never splits an append, since that
 * would break its all-or-nothing promise.
 */
public final class AppendTooLargeException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public AppendTooLargeException(String field, long size, long limit, String unit) {
        super(field, size + " " + unit + " exceeds the limit of " + limit + " " + unit);
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
