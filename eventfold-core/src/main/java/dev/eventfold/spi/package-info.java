/**
 * The service provider interface: what an implementation of {@link dev.eventfold.store.EventStore}
 * needs so that it writes exactly the items DynamoDB and the TypeScript runtime expect
 * ({@link dev.eventfold.spi.PreparedAppend}) and reads them through the wire layout
 * ({@link dev.eventfold.spi.wire}). Users of the library do not need it. Changes are deliberate
 * and recorded in the module's API file, but it evolves faster than the user API.
 */
package dev.eventfold.spi;
