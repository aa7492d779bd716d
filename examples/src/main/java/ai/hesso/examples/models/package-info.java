/** Built-in demo models of the command line, each with the input shape it is meant for. */
package ai.hesso.examples.models;
