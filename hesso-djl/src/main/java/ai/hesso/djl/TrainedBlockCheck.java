package ai.hesso.djl;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Checks, at the first update, that the block given to {@code setBlock(..)} is the block the
 * trainer initialized, and says what to pass instead when it is not (rather than DJL's messages
 * about uninitialized parameters or input shapes).
 */
final class TrainedBlockCheck {

    private TrainedBlockCheck() {}

    /**
     * Passes when the block is initialized (it has input shapes and every parameter has a value),
     * or when every parameter has a value and no child block was initialized on its own (a block
     * whose parameters were set by hand, trained with node groups given by hand).
     *
     * @param block the block given to {@code setBlock(..)}
     * @throws IllegalArgumentException when it was never initialized (so it is not the block being
     *     trained), when it was not initialized itself but contains an initialized block (it wraps
     *     the block being trained), or when some of its parameters have no value; the message names
     *     the block to pass instead
     */
    static void check(Block block) {
        if (block.isInitialized()) {
            return;
        }
        String given = "the block given to setBlock(..) (" + block.getClass().getSimpleName() + ")";
        String pass =
                "pass the block the Trainer trains: setBlock(model.getBlock()) for the model whose"
                        + " trainer runs this optimizer";
        List<String> missing = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) {
                missing.add(p.getKey());
            }
        }
        if (missing.size() == block.getParameters().size()) {
            throw new IllegalArgumentException(
                    given
                            + " was never initialized, so it is not the block being trained (the"
                            + " trainer initializes that one before the first step); "
                            + pass);
        }
        Optional<Pair<String, Block>> inner = initializedDescendant(block);
        if (inner.isPresent()) {
            String path = inner.get().getKey();
            throw new IllegalArgumentException(
                    given
                            + " was not initialized itself but contains the initialized block '"
                            + path
                            + "' ("
                            + inner.get().getValue().getClass().getSimpleName()
                            + "): it wraps the block being trained; "
                            + pass
                            + ", here probably the block at '"
                            + path
                            + "'");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    given
                            + " has parameters without values "
                            + missing
                            + ", so it is not the block being trained; "
                            + pass);
        }
    }

    /** The first initialized block below {@code root}, breadth first, with its path. */
    private static Optional<Pair<String, Block>> initializedDescendant(Block root) {
        Deque<Pair<String, Block>> queue = new ArrayDeque<>();
        queue.add(new Pair<>("", root));
        while (!queue.isEmpty()) {
            Pair<String, Block> current = queue.poll();
            for (Pair<String, Block> child : current.getValue().getChildren()) {
                String path =
                        current.getKey().isEmpty()
                                ? child.getKey()
                                : current.getKey() + "_" + child.getKey();
                if (child.getValue().isInitialized()) {
                    return Optional.of(new Pair<>(path, child.getValue()));
                }
                queue.add(new Pair<>(path, child.getValue()));
            }
        }
        return Optional.empty();
    }
}
