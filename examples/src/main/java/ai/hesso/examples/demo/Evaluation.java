package ai.hesso.examples.demo;

/**
 * One model's predictions on a test set, next to a reference model evaluated in the same pass.
 *
 * @param predictions the predicted class of each image, in dataset order
 * @param correct how many predictions match the labels
 * @param maxAbsDiff the largest absolute difference between this model's outputs (logits) and the
 *     reference model's on the same images; 0 for the reference itself
 */
public record Evaluation(int[] predictions, int correct, double maxAbsDiff) {

    /**
     * Copies the predictions.
     *
     * @param predictions the predicted classes
     * @param correct the correct count
     * @param maxAbsDiff the largest output difference to the reference
     */
    public Evaluation {
        predictions = predictions.clone();
    }

    /**
     * Returns the number of images evaluated.
     *
     * @return the length of {@link #predictions()}
     */
    public int images() {
        return predictions.length;
    }

    /**
     * Returns the test accuracy.
     *
     * @return correct predictions over images, 0 when there are none
     */
    public double accuracy() {
        return predictions.length == 0 ? 0 : (double) correct / predictions.length;
    }

    /**
     * Counts the images on which two evaluations of the same test set predict different classes.
     *
     * @param other an evaluation of the same images
     * @return the number of differing predictions
     * @throws IllegalArgumentException if the two cover different numbers of images
     */
    public int differingPredictions(Evaluation other) {
        if (other.predictions.length != predictions.length) {
            throw new IllegalArgumentException(
                    "evaluations of "
                            + predictions.length
                            + " and "
                            + other.predictions.length
                            + " images cannot be compared");
        }
        int n = 0;
        for (int i = 0; i < predictions.length; i++) {
            n += predictions[i] == other.predictions[i] ? 0 : 1;
        }
        return n;
    }
}
