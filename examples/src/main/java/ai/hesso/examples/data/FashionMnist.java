package ai.hesso.examples.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; 70,000 28x28 grey-scale images of 10 clothing
 * classes) read from local IDX files, by default those of the Debian package {@code
 * dataset-fashion-mnist} in {@value #DEFAULT_DIRECTORY}. Nothing is downloaded.
 *
 * <p>Each record is an image of shape {@code (1, 28, 28)}, {@code float32}, pixel value {@code p /
 * 255} in {@code [0, 1]}, and a label of shape {@code ()}, {@code float32}, holding the class index
 * {@code 0..9}. The training split has 60,000 images, the test split 10,000.
 *
 * <pre>{@code
 * try (FashionMnist train = FashionMnist.builder()
 *         .optUsage(Dataset.Usage.TRAIN)
 *         .optLimit(1000)
 *         .setSampling(32, true)
 *         .build()) {
 *     train.prepare();
 *     for (Batch batch : trainer.iterateDataset(train)) { ... }
 * }
 * }</pre>
 *
 * <p>The arrays are loaded by {@link #prepare(Progress)} into a manager owned by the dataset, which
 * {@link #close()} frees.
 */
public class FashionMnist extends ArrayDataset implements AutoCloseable {

    /** The directory the Debian package {@code dataset-fashion-mnist} installs the files into. */
    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    /** The number of classes. */
    public static final int CLASSES = 10;

    /** The height and width of an image. */
    public static final int IMAGE_SIZE = 28;

    private static final String INSTALL_HINT =
            "install it with: apt-get install dataset-fashion-mnist (or pass --data DIR)";

    private final Path directory;
    private final Dataset.Usage usage;
    private final NDManager manager;
    private final boolean ownsParentManager;
    private boolean prepared;

    /**
     * Creates the dataset from a validated builder; use {@link #builder()}.
     *
     * @param builder the builder
     */
    protected FashionMnist(Builder builder) {
        super(builder);
        this.directory = builder.directory;
        this.usage = builder.usage;
        this.ownsParentManager = builder.manager == null;
        NDManager parent = ownsParentManager ? NDManager.newBaseManager() : builder.manager;
        this.manager = ownsParentManager ? parent : parent.newSubManager();
    }

    /**
     * Returns a new builder.
     *
     * @return a builder with the default directory and the training split
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the image file of a split: {@code train-images-idx3-ubyte.gz} or {@code
     * t10k-images-idx3-ubyte.gz}.
     *
     * @param directory the data directory
     * @param usage {@code TRAIN} or {@code TEST}
     * @return the path of the gzip IDX image file
     * @throws IllegalArgumentException if {@code usage} is {@code VALIDATION}
     */
    public static Path imagesFile(Path directory, Dataset.Usage usage) {
        return directory.resolve(prefix(usage) + "-images-idx3-ubyte.gz");
    }

    /**
     * Returns the label file of a split: {@code train-labels-idx1-ubyte.gz} or {@code
     * t10k-labels-idx1-ubyte.gz}.
     *
     * @param directory the data directory
     * @param usage {@code TRAIN} or {@code TEST}
     * @return the path of the gzip IDX label file
     * @throws IllegalArgumentException if {@code usage} is {@code VALIDATION}
     */
    public static Path labelsFile(Path directory, Dataset.Usage usage) {
        return directory.resolve(prefix(usage) + "-labels-idx1-ubyte.gz");
    }

    /**
     * Checks that both files of a split exist.
     *
     * @param directory the data directory
     * @param usage {@code TRAIN} or {@code TEST}
     * @throws MissingDataException naming the first missing file, in one line
     */
    public static void requireFiles(Path directory, Dataset.Usage usage) {
        for (Path file : new Path[] {imagesFile(directory, usage), labelsFile(directory, usage)}) {
            if (!Files.isRegularFile(file)) {
                throw new MissingDataException(
                        "Fashion-MNIST file not found: " + file + "; " + INSTALL_HINT);
            }
        }
    }

    /**
     * Returns the directory the files are read from.
     *
     * @return the data directory
     */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Returns the split.
     *
     * @return {@code TRAIN} or {@code TEST}
     */
    public Dataset.Usage getUsage() {
        return usage;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the first {@code limit} images and labels of the split (all of them by default) and
     * normalises the pixels to {@code [0, 1]}. Later calls do nothing.
     *
     * @throws MissingDataException if a file is missing
     * @throws IOException if a file cannot be read or is not well-formed IDX, or the image and
     *     label files disagree on the number of items
     */
    @Override
    public void prepare(Progress progress) throws IOException {
        if (prepared) {
            return;
        }
        requireFiles(directory, usage);
        int max = (int) Math.min(limit, Integer.MAX_VALUE);
        Path imagesPath = imagesFile(directory, usage);
        Path labelsPath = labelsFile(directory, usage);
        IdxReader.Images images = IdxReader.readImages(imagesPath, max);
        byte[] classes = IdxReader.readLabels(labelsPath, max);
        if (images.count() != classes.length) {
            throw new IOException(
                    imagesPath
                            + " has "
                            + images.count()
                            + " images but "
                            + labelsPath
                            + " has "
                            + classes.length
                            + " labels");
        }
        if (images.rows() != IMAGE_SIZE || images.columns() != IMAGE_SIZE) {
            throw new IOException(
                    imagesPath
                            + " holds "
                            + images.rows()
                            + "x"
                            + images.columns()
                            + " images, expected "
                            + IMAGE_SIZE
                            + "x"
                            + IMAGE_SIZE);
        }
        int n = images.count();
        byte[] pixels = images.pixels();
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = (pixels[i] & 0xff) / 255f;
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = classes[i] & 0xff;
        }
        NDArray dataArray = manager.create(x, new Shape(n, 1, IMAGE_SIZE, IMAGE_SIZE));
        NDArray labelArray = manager.create(y, new Shape(n));
        if (device != null) {
            dataArray = dataArray.toDevice(device, false);
            labelArray = labelArray.toDevice(device, false);
        }
        data = new NDArray[] {dataArray};
        labels = new NDArray[] {labelArray};
        prepared = true;
        if (progress != null) {
            progress.reset("Fashion-MNIST " + usage, 1);
            progress.end();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if {@link #prepare()} has not been called
     */
    @Override
    protected long availableSize() {
        if (!prepared) {
            throw new IllegalStateException(
                    "Fashion-MNIST is not loaded: call prepare() before size() or get()");
        }
        return super.availableSize();
    }

    /** Frees the arrays of the dataset. */
    @Override
    public void close() {
        manager.close();
    }

    private static String prefix(Dataset.Usage usage) {
        Objects.requireNonNull(usage, "usage");
        switch (usage) {
            case TRAIN:
                return "train";
            case TEST:
                return "t10k";
            default:
                throw new IllegalArgumentException(
                        "usage "
                                + usage
                                + " is not available for Fashion-MNIST; valid: TRAIN, TEST");
        }
    }

    /** A builder for {@link FashionMnist}; {@link #setSampling(int, boolean)} is required. */
    public static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {

        private Path directory = Path.of(DEFAULT_DIRECTORY);
        private Dataset.Usage usage = Dataset.Usage.TRAIN;
        private NDManager manager;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the directory holding the four {@code *-idx?-ubyte.gz} files.
         *
         * @param directory the directory; default {@value FashionMnist#DEFAULT_DIRECTORY}
         * @return this builder
         */
        public Builder optDirectory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the split.
         *
         * @param usage {@code TRAIN} (60,000 images, the default) or {@code TEST} (10,000)
         * @return this builder
         */
        public Builder optUsage(Dataset.Usage usage) {
            this.usage = Objects.requireNonNull(usage, "usage");
            return this;
        }

        /**
         * Sets the manager whose sub-manager will own the arrays; by default the dataset creates
         * and owns a base manager.
         *
         * @param manager the parent manager
         * @return this builder
         */
        public Builder optManager(NDManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * Checks the settings and that the files exist, and builds the dataset (not loaded yet:
         * call {@link FashionMnist#prepare()}).
         *
         * @return the dataset
         * @throws IllegalArgumentException if the sampling is not set, {@code usage} is {@code
         *     VALIDATION} or {@code limit} is below 1
         * @throws MissingDataException if a file of the split is missing
         */
        public FashionMnist build() {
            if (sampler == null) {
                throw new IllegalArgumentException(
                        "the sampling must be set: call setSampling(batchSize, shuffle)");
            }
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + limit);
            }
            requireFiles(directory, usage);
            return new FashionMnist(this);
        }
    }
}
