/** The {@code bin/hesso} command line: demo, replay, groups, bench and info. */
package ai.hesso.examples;
