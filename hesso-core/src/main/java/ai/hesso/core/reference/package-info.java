/**
 * A reference engine on plain Java arrays in double precision: it executes the driver's plans
 * exactly as the specification states them, for tests, for cross-checking engine adapters, and as
 * executable documentation.
 */
package ai.hesso.core.reference;
