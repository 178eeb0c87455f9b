package dev.eventfold.domain;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A parameter that sets a dispatch option instead of a payload field; a null argument leaves the
 * default. Options and the parameter types they take:
 * {@code eventId}, {@code idempotencyKey}, {@code source}, {@code tenantId}, {@code correlationId},
 * {@code causationId}, {@code actorId} (String); {@code occurredAt} (String or Instant);
 * {@code schemaVersion} (int); {@code expectedVersion} (long or int). Any other name fails when the
 * dispatcher is created.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Option {
    String value();
}
