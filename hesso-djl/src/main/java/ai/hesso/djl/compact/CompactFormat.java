package ai.hesso.djl.compact;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.layers.LayerWidth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON architecture description saved beside the parameters ({@code compact.json}); Gson maps
 * the fields one to one. See {@code docs/compaction.md}.
 */
final class CompactFormat {

    /** The file name of the description in the model directory. */
    static final String FILE = "compact.json";

    /** The value of {@link #format}. */
    static final String FORMAT = "hesso-compact";

    /** The only version this code writes and reads. */
    static final int VERSION = 1;

    /** The epoch number of the one parameter file, {@code <modelName>-0000.params}. */
    static final int EPOCH = 0;

    String format;
    int version;
    String modelName;
    String parameterFile;
    String dataType;
    List<long[]> inputShapes;
    List<String> blocks;
    List<Layer> layers;
    Map<String, int[]> removedChannels;
    long parameters;

    /**
     * One linear or convolution layer's width after compaction, and before: the original width and
     * groups let loading check the given architecture layer by layer (0 in descriptions written
     * before they were recorded).
     */
    static final class Layer {
        String path;
        String kind;
        long width;
        int groups;
        long originalWidth;
        int originalGroups;

        Layer() {}

        Layer(LayerWidth w, LayerWidth original) {
            this.path = w.path();
            this.kind = w.kind();
            this.width = w.width();
            this.groups = w.groups();
            // a support without a configured width leaves them 0: loading then checks less
            this.originalWidth = original == null ? 0 : original.width();
            this.originalGroups = original == null ? 0 : original.groups();
        }

        LayerWidth toWidth() {
            return new LayerWidth(path, kind, width, groups);
        }
    }

    /**
     * Returns the name DJL gives the parameter file of a model saved at {@link #EPOCH}.
     *
     * @param modelName the model name
     * @return {@code <modelName>-0000.params}
     */
    static String parameterFile(String modelName) {
        return String.format(Locale.ROOT, "%s-%04d.params", modelName, EPOCH);
    }

    /**
     * Lists every block of a tree as {@code path:ClassName}, the root first ({@code :Class}).
     *
     * @param block the root
     * @return the fingerprint
     */
    static List<String> blocks(Block block) {
        List<String> out = new ArrayList<>();
        collect(block, "", out);
        return out;
    }

    private static void collect(Block block, String path, List<String> out) {
        out.add(path + ":" + block.getClass().getName());
        for (Pair<String, Block> c : block.getChildren()) {
            collect(c.getValue(), DiscoveryContext.paramPath(path, c.getKey()), out);
        }
    }

    /**
     * Copies the removed channels for the description.
     *
     * @param selection the selection
     * @return group name to sorted indices
     */
    static Map<String, int[]> removed(ChannelSelection selection) {
        return new LinkedHashMap<>(selection.removed());
    }
}
