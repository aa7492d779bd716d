/**
 * Datasets for the examples: Fashion-MNIST read from the IDX files of the Debian package {@code
 * dataset-fashion-mnist} ({@link ai.hesso.examples.data.FashionMnist}), and the IDX reader behind
 * it ({@link ai.hesso.examples.data.IdxReader}). Nothing is downloaded.
 */
package ai.hesso.examples.data;
