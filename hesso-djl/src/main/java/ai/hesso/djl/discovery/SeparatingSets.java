package ai.hesso.djl.discovery;

import java.util.ArrayList;
import java.util.List;

/**
 * Channel subsets that separate every ordered pair of channels: for any two channels {@code i != j}
 * some subset holds {@code i} but not {@code j}, and every channel is in some subset.
 *
 * <p>Subset {@code 2b} holds the channels whose bit {@code b} is 1, subset {@code 2b + 1} those
 * whose bit {@code b} is 0: two different channels differ in some bit, so one of that bit's two
 * subsets holds the first and not the second. That is {@code 2 ceil(log2 n)} subsets instead of
 * {@code n} single channels, and it finds any dependency between two channels, whatever their
 * indices: a probe that changes (or zeroes) the channels of each subset and watches the channels
 * outside it cannot miss one, as random single-channel sampling could.
 */
final class SeparatingSets {

    private SeparatingSets() {}

    /**
     * Returns the separating subsets of {@code n} channels.
     *
     * @param n the number of channels, at least 1
     * @return for {@code n = 1} the one subset {@code {0}}; otherwise {@code 2 ceil(log2 n)}
     *     subsets, each as a membership array of length {@code n}
     */
    static List<boolean[]> of(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one channel, got " + n);
        }
        List<boolean[]> sets = new ArrayList<>();
        if (n == 1) {
            sets.add(new boolean[] {true});
            return sets;
        }
        int bits = 32 - Integer.numberOfLeadingZeros(n - 1);
        for (int b = 0; b < bits; b++) {
            boolean[] ones = new boolean[n];
            boolean[] zeros = new boolean[n];
            for (int c = 0; c < n; c++) {
                ones[c] = ((c >> b) & 1) == 1;
                zeros[c] = !ones[c];
            }
            sets.add(ones);
            sets.add(zeros);
        }
        return sets;
    }

    /**
     * Returns the channels a subset holds, ascending.
     *
     * @param set a membership array
     * @return the indices that are true
     */
    static List<Integer> indices(boolean[] set) {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < set.length; c++) {
            if (set[c]) {
                out.add(c);
            }
        }
        return out;
    }
}
