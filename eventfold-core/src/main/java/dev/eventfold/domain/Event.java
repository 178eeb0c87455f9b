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
}
