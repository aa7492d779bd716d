/**
 * The zoo sweep behind {@code bin/hesso check zoo}: every model DJL's basic model zoo builds at a
 * small size, plus hand-built residual, U-Net and transformer models, taken through discovery,
 * HESSO training until pruning completes, compaction, the compact-versus-zeroed comparison, save,
 * load and a bit-for-bit resume, one verdict per model and stage ({@link
 * ai.hesso.examples.zoo.ZooSweep}, {@link ai.hesso.examples.zoo.ZooModels}, {@link
 * ai.hesso.examples.zoo.ZooTable}).
 */
package ai.hesso.examples.zoo;
