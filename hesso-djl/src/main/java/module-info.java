/**
 * HESSO for Deep Java Library: the optimizer, discovery of node groups, layer supports, MAC
 * counting, compaction, ONNX export and checkpoints.
 *
 * <p>Exported: the API packages. The engine package (the step's tensor work, the optimizer state)
 * is internal. Gson reads and writes the checkpoint and compact-model documents by reflection, so
 * those two packages are open to it.
 */
module ai.hesso.djl {
    requires transitive ai.hesso.core;
    requires transitive ai.djl.api;
    requires com.google.gson;
    requires com.google.protobuf;
    requires org.tribuo.util.onnx;
    requires org.slf4j;

    exports ai.hesso.djl;
    exports ai.hesso.djl.checkpoint;
    exports ai.hesso.djl.compact;
    exports ai.hesso.djl.cost;
    exports ai.hesso.djl.discovery;
    exports ai.hesso.djl.export;
    exports ai.hesso.djl.layers;

    opens ai.hesso.djl.checkpoint to
            com.google.gson;
    opens ai.hesso.djl.compact to
            com.google.gson;
}
