package ai.hesso.djl;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Checks, at the first update, that the block given to {@code setBlock(..)} is the block the
 * trainer initialized, and says what to pass instead when it is not (rather than DJL's messages
 * about uninitialized parameters or input shapes).
 */
final class TrainedBlockCheck {

    private TrainedBlockCheck() {}

    /**
     * Passes when the block is initialized (it has input shapes and every parameter has a value).
     *
     * @param block the block given to {@code setBlock(..)}
     * @throws IllegalArgumentException when it was never initialized (so it is not the block being
     *     trained), or when it was not initialized itself but contains an initialized block (it
     *     wraps the block being trained); the message names the block to pass instead
     */
    static void check(Block block) {
        if (block.isInitialized()) {
            return;
        }
        String given = "the block given to setBlock(..) (" + block.getClass().getSimpleName() + ")";
        String pass =
                "pass the block the Trainer trains: setBlock(model.getBlock()) for the model whose"
                        + " trainer runs this optimizer";
        if (block.getParameters().values().stream().noneMatch(Parameter::isInitialized)) {
            throw new IllegalArgumentException(
                    given
                            + " was never initialized, so it is not the block being trained (the"
                            + " trainer initializes that one before the first step); "
                            + pass);
        }
        Optional<Pair<String, Block>> inner = initializedDescendant(block);
        throw new IllegalArgumentException(
                given
                        + " was not initialized itself but contains "
                        + inner.map(
                                        p ->
                                                "the initialized block '"
                                                        + p.getKey()
                                                        + "' ("
                                                        + p.getValue().getClass().getSimpleName()
                                                        + ")")
                                .orElse("initialized parameters")
                        + ": it wraps the block being trained; "
                        + pass
                        + inner.map(p -> ", here probably the block at '" + p.getKey() + "'")
                                .orElse(""));
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
