/**
 * The wire layout of the shared table, in one place (WIRE.md): key formats, attribute names, item
 * types, the head, event and idempotency item shapes, timestamps, and item size as DynamoDB counts
 * it. Both stores, the fan-out, the listener and the integrity check read and write items through
 * this package and nowhere else. Part of the SPI.
 */
package dev.eventfold.spi.wire;
