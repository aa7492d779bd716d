/**
 * The {@code hesso} command line ({@link ai.hesso.examples.HessoCli}, run by {@code bin/hesso}) and
 * its subcommands.
 */
package ai.hesso.examples;
