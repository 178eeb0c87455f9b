/**
 * Machinery of Eventfold, shared between its modules: not API. There is no compatibility promise
 * for anything in this package or its subpackages; they may change or disappear in any release.
 */
package dev.eventfold.internal;
