package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepBoundaryTest {

    /** Counts the steps seen when DJL's calls follow {@code pattern} for {@code steps} steps. */
    private static List<Integer> firstCalls(List<String[]> pattern, int steps) {
        StepBoundary boundary = new StepBoundary();
        List<Integer> firsts = new ArrayList<>();
        int call = 0;
        for (int s = 0; s < steps; s++) {
            for (String[] idAndDevice : pattern) {
                Device device = Device.fromName(idAndDevice[1]);
                if (boundary.isFirstCallOfStep(new TensorSlot(idAndDevice[0], device))) {
                    firsts.add(call);
                }
                call++;
            }
        }
        return firsts;
    }

    @Test
    void oneDeviceStartsAStepWhenAParameterComesBack() {
        List<String[]> pattern =
                List.of(
                        new String[] {"a", "cpu"},
                        new String[] {"b", "cpu"},
                        new String[] {"c", "cpu"});
        assertEquals(List.of(0, 3, 6, 9), firstCalls(pattern, 4));
    }

    @Test
    void twoDevicesUpdateEachCopyWithinOneStep() {
        // LocalParameterServer: for each parameter, every device copy in turn
        List<String[]> pattern =
                List.of(
                        new String[] {"a", "gpu0"},
                        new String[] {"a", "gpu1"},
                        new String[] {"b", "gpu0"},
                        new String[] {"b", "gpu1"});
        assertEquals(List.of(0, 4, 8), firstCalls(pattern, 3));
    }
}
