/**
 * The {@code hesso demo} pipeline: settings, the training run shared by the command and its
 * integration test, the census of exactly-zero channels and compact parameters, and the result.
 */
package ai.hesso.examples.demo;
