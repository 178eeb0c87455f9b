package dev.eventfold.domain;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Declares a method of a {@link DomainEvents} interface as an event: calling it dispatches one. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Event {
    /** The event type, e.g. {@code Wallet.Funded}. */
    String value();

    /** The payload's schema version. */
    int schemaVersion() default 1;

    /**
     * The event creates its aggregate: it is appended at version 0 in one request, without reading
     * the head; an aggregate that exists already is a {@code ConcurrencyConflictException} (not
     * retried), and a repeat of the same creation is recognised as already appended. An explicit
     * {@code expectedVersion} option wins.
     */
    boolean creates() default false;
}
