package ai.hesso.examples.bench.accuracy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import ai.hesso.examples.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The test images and labels, held in memory, and the two measurements made on them: a block's
 * accuracy (inference mode, so batch norm uses its running statistics) and the largest output
 * difference between two blocks.
 */
public final class TestImages implements AutoCloseable {

    private static final int BATCH = 500;

    private final NDManager manager;
    private final NDArray images;
    private final NDArray labels;
    private final int size;

    private TestImages(NDManager manager, NDArray images, NDArray labels) {
        this.manager = manager;
        this.images = images;
        this.labels = labels;
        this.size = (int) images.getShape().get(0);
    }

    /**
     * Loads the first {@code limit} test images.
     *
     * @param directory the Fashion-MNIST directory
     * @param limit how many, 1 to 10,000
     * @return the images; close them to free the arrays
     * @throws IOException if the files cannot be read
     */
    public static TestImages load(Path directory, int limit) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try (FashionMnist test =
                FashionMnist.builder()
                        .optDirectory(directory)
                        .optUsage(Dataset.Usage.TEST)
                        .optLimit(limit)
                        .setSampling(limit, false)
                        .build()) {
            test.prepare();
            // one batch of all images, in file order, copied out of the dataset's manager
            NDArray images = null;
            NDArray labels = null;
            for (Batch batch : test.getData(manager)) {
                try (batch) {
                    images = batch.getData().head().duplicate();
                    labels = batch.getLabels().head().toType(DataType.INT64, true);
                    images.attach(manager);
                    labels.attach(manager);
                }
            }
            if (images == null) {
                throw new IOException("no test images read from " + directory);
            }
            return new TestImages(manager, images, labels);
        } catch (TranslateException e) {
            manager.close();
            throw new IOException("cannot batch the test images: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Returns the number of images.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /**
     * Returns a block's accuracy on all images, in inference mode.
     *
     * @param block the initialized block
     * @return correct predictions over images
     */
    public double accuracy(Block block) {
        long correct = 0;
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            for (int start = 0; start < size; start += BATCH) {
                int end = Math.min(size, start + BATCH);
                try (NDManager batch = scope.newSubManager()) {
                    NDArray x = images.get(new NDIndex("{}:{}", start, end));
                    x.attach(batch);
                    NDArray y = labels.get(new NDIndex("{}:{}", start, end));
                    y.attach(batch);
                    NDArray out = block.forward(store, new NDList(x), false).singletonOrThrow();
                    out.attach(batch);
                    NDArray hits = out.argMax(1).eq(y);
                    correct += hits.countNonzero().getLong();
                }
            }
        }
        return (double) correct / size;
    }

    /**
     * Returns the largest absolute difference between two blocks' outputs on the first images.
     *
     * @param a one block
     * @param b the other
     * @param count how many images, at most {@link #size()} are used
     * @return {@code max |a(x) - b(x)|}
     */
    public double maxAbsDifference(Block a, Block b, int count) {
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            NDArray x = images.get(new NDIndex("0:{}", Math.min(count, size)));
            x.attach(scope);
            NDArray outA = a.forward(store, new NDList(x), false).singletonOrThrow();
            NDArray outB = b.forward(store, new NDList(x), false).singletonOrThrow();
            outA.attach(scope);
            outB.attach(scope);
            return outA.sub(outB).abs().max().getFloat();
        }
    }

    /** Frees the arrays. */
    @Override
    public void close() {
        manager.close();
    }
}
