/**
 * ONNX export of DJL blocks, compact models in particular: {@link ai.hesso.djl.export.OnnxExport}
 * writes a standard {@code .onnx} file (opset 17, dynamic batch axis) that ONNX Runtime serves,
 * from Java directly or through DJL's ONNX Runtime engine; {@link
 * ai.hesso.djl.export.BatchNormFolding} folds batch norms into the convolutions and linear layers
 * before them.
 *
 * <p>The package holds the walking machinery and no per-type code: each block type is written by
 * its {@link ai.hesso.djl.layers.LayerSupport#export} through the public {@link
 * ai.hesso.djl.export.ExportContext}; DJL's opaque lambdas and parallel joins are identified by the
 * {@link ai.hesso.djl.export.FunctionCatalogue}, numerically, never guessed. See {@code
 * docs/export.md}.
 */
package ai.hesso.djl.export;
