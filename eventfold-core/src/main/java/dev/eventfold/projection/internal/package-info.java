/**
 * The projection mechanism as reactions and process managers use it: not API. There is no
 * compatibility promise for anything in this package; it may change or disappear in any release.
 */
package dev.eventfold.projection.internal;
