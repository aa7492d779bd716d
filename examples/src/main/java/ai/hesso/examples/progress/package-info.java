/** Progress bars of the command line that stay readable on a terminal and in a file. */
package ai.hesso.examples.progress;
