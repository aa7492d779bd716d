/**
 * Node groups: which tensor rows form one channel, and the global index over all prunable channels
 * of a model.
 */
package ai.hesso.core.group;
