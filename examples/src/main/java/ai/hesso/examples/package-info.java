/**
 * The {@code bin/hesso} command line: demo, replay, groups, compact, bench (with bench inference)
 * and info.
 */
package ai.hesso.examples;
