package dev.eventfold.domain;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose methods are the events of one aggregate type, and binds the default
 * options of every event it dispatches. See {@link DomainDispatchers}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DomainEvents {
    /** The aggregate type of every event, e.g. {@code wallet}. */
    String aggregateType();

    /** The producing service, e.g. {@code billing}; empty for none. */
    String source() default "";
}
