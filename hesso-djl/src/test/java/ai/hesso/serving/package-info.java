/** A serving program with no hesso class in it, run on a class path without hesso. */
package ai.hesso.serving;
