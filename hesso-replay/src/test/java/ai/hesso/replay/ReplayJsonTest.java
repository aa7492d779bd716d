package ai.hesso.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.Criterion;
import ai.hesso.core.variant.Variant;
import ai.hesso.testing.LogCapture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayJsonTest {

    @RegisterExtension final LogCapture log = LogCapture.warningsOf(ReplayJson.class);

    private static final String MINIMAL =
            """
            {"optimizer": {"lr": 0.1, "pruningSteps": 4},
             "tensors": [{"name": "w", "shape": [3, 2], "values": [1, 2, 3, 4, 5, 6]},
                         {"name": "t", "shape": [2, 3], "values": [[1, 2, 3], [4, 5, 6]]}],
             "nodeGroups": [{"name": "g", "members": [{"tensor": "w", "axis": 0},
                                                      {"tensor": "t", "axis": 1}]}],
             "gradients": [{"w": [0, 0, 0, 0, 0, 1], "t": [1, 0, 0, 0, 0, 0]}]}
            """;

    @Test
    void minimalInputTakesTheDefaults() {
        ReplayInput input = ReplayJson.parse(MINIMAL);
        ReplaySettings s = input.settings();
        assertEquals(Variant.SGD, s.variant());
        assertEquals(0.1, s.learningRate());
        assertEquals(0.0, s.momentum());
        assertEquals(0.0, s.dampening());
        assertEquals(0.9, s.beta1());
        assertEquals(0.999, s.beta2());
        assertEquals(1e-8, s.epsilon());
        assertEquals(0.0, s.weightDecay());
        assertEquals(0.5, s.targetGroupSparsity());
        assertEquals(0, s.startPruningStep());
        assertEquals(4, s.pruningSteps());
        assertEquals(1, s.pruningPeriods());
        assertEquals(1, s.groupDivisible());
        assertEquals(5, s.saliency().weights().size());
        s.saliency().weights().values().forEach(w -> assertEquals(0.2, w));
        NodeGroup group = input.nodeGroups().get(0);
        assertEquals(3, group.channels());
        assertEquals(ChannelAxis.of(1), group.members().get(1).axis());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, input.tensors().get(1).values());
        assertEquals(1, input.steps());
    }

    @Test
    void variantIsCaseInsensitiveAndMissingWeightsAreZero() {
        ReplayInput input =
                ReplayJson.parse(
                        MINIMAL.replace(
                                "\"lr\": 0.1,",
                                "\"lr\": 0.1, \"variant\": \"AdamW\", \"saliencyWeights\":"
                                        + " {\"cosine\": 0.5, \"taylorSecondOrder\": 2},"));
        assertEquals(Variant.ADAMW, input.settings().variant());
        assertEquals(
                Map.of(Criterion.COSINE, 0.5, Criterion.TAYLOR_SECOND_ORDER, 2.0),
                input.settings().saliency().weights());
    }

    @Test
    void anUnknownKeyIsIgnoredWithAWarningThatListsTheKnownOnes() {
        ReplayInput input =
                ReplayJson.parse(
                        MINIMAL.replace("\"lr\": 0.1,", "\"lr\": 0.1, \"lerningRate\": 2,"));
        assertEquals(0.1, input.settings().learningRate());
        assertEquals(
                List.of(
                        "ignoring unknown key 'optimizer.lerningRate'; known keys there: [beta1,"
                                + " beta2, dampening, epsilon, groupDivisible, lr, momentum,"
                                + " pruningPeriods, pruningSteps, saliencyWeights, startPruningStep,"
                                + " targetGroupSparsity, variant, weightDecay]"),
                log.take());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"pruningSteps\": 4|\"pruningStep\": 4|optimizer.pruningSteps is required",
                "\"lr\": 0.1|\"lr\": \"fast\"|optimizer.lr must be a number, got \"fast\"",
                "\"lr\": 0.1|\"momentum\": 0.5|optimizer.lr is required",
                "\"pruningSteps\": 4|\"pruningSteps\": 4, \"targetGroupSparsity\": 1|"
                        + "optimizer.targetGroupSparsity must be in [0, 1), got 1.0",
                "\"pruningSteps\": 4|\"pruningSteps\": 4, \"pruningPeriods\": 5|"
                        + "optimizer.pruningSteps must be >= pruningPeriods (5)",
                "\"pruningSteps\": 4|\"pruningSteps\": 4.5|"
                        + "optimizer.pruningSteps must be an integer, got 4.5",
                "\"pruningSteps\": 4|\"pruningSteps\": 4, \"momentum\": 1|"
                        + "optimizer.momentum must be in [0.0, 1.0), got 1.0",
                "\"pruningSteps\": 4|\"pruningSteps\": 4, \"saliencyWeights\": {\"taylor\": 1}|"
                        + "optimizer.saliencyWeights: unknown criterion 'taylor'; valid: magnitude,",
                "\"pruningSteps\": 4|\"pruningSteps\": 4, \"saliencyWeights\": {}|"
                        + "optimizer.saliencyWeights: saliency weights are all zero",
                "\"axis\": 1|\"axis\": 2|nodeGroups[0].members[1].axis: channel axis must be 0",
                "\"axis\": 1|\"axis\": 0|nodeGroups[0].members[1]: node group 'g' has 3"
                        + " channels, but member tensor 't' of shape [2, 3] has 2 on its channel"
                        + " axis 0",
                "\"shape\": [3, 2]|\"shape\": [6]|nodeGroups[0].members[1]: node group 'g' has"
                        + " 6 channels, but member tensor 't' of shape [2, 3] has 3 on its channel"
                        + " axis 1",
                "\"shape\": [2, 3]|\"shape\": [6]|nodeGroups[0].members[1]: node group 'g' has"
                        + " 3 channels, but member tensor 't' of shape [6] has no axis 1",
                "{\"tensor\": \"w\", \"axis\": 0}|{\"tensor\": \"x\", \"axis\": 0}|"
                        + "nodeGroups[0].members[0].tensor: 'x' is not among the tensors [w, t]",
                "\"shape\": [3, 2]|\"shape\": [3, 3]|tensors[0]: tensor 'w': shape [3, 3] needs 9"
                        + " values, got 6",
                "\"t\": [1, 0, 0, 0, 0, 0]|\"t\": [1, 0, 0]|gradients[0].t has 3 values; tensor"
                        + " 't' of shape [2, 3] needs 6",
                ", \"t\": [1, 0, 0, 0, 0, 0]||gradients[0] has no gradient for tensor 't'",
                "\"t\": [1, 0, 0, 0, 0, 0]|\"t\": [1, 0, 0, 0, 0, 0], \"u\": [1]|"
                        + "gradients[0] names tensor 'u', which is not among the tensors",
                "\"gradients\"|\"gradient\"|gradients is required",
            })
    void badInputNamesTheField(String from, String to, String message) {
        String json = MINIMAL.replace(from, to == null ? "" : to);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ReplayJson.parse(json));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        // a misspelt key ("pruningStep", "gradient") is named at WARN before the missing one fails
        for (String warning : log.take()) {
            String key = warning.split("'")[1];
            String unknown = "\"" + key.substring(key.lastIndexOf('.') + 1) + "\"";
            assertTrue(
                    warning.startsWith("ignoring unknown key")
                            && to != null
                            && to.contains(unknown)
                            && !from.contains(unknown),
                    warning);
        }
    }

    @Test
    void malformedJsonIsRejected() {
        for (String bad : new String[] {"", "{", "[1, 2]", "{\"optimizer\": NaN}", "{} {}"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ReplayJson.parse(bad));
            assertTrue(
                    e.getMessage().startsWith("not valid JSON")
                            || e.getMessage().startsWith("the document must be a JSON object"),
                    bad + " -> " + e.getMessage());
        }
    }

    @Test
    void resultIsWrittenInInputOrderWithRoundTripNumbers() {
        Map<String, double[]> tensors = new LinkedHashMap<>();
        tensors.put("z", new double[] {0.1, -0.0, 1e-300});
        tensors.put("a", new double[] {1.0 / 3});
        Map<String, int[]> pruned = new LinkedHashMap<>();
        pruned.put("g\"1", new int[] {0, 4});
        pruned.put("h", new int[0]);
        String json = ReplayJson.toJson(new ReplayResult(tensors, pruned));
        assertEquals(
                "{\n"
                        + "  \"tensors\": [\n"
                        + "    {\"name\": \"z\", \"values\": [0.1, 0.0, 1.0E-300]},\n"
                        + "    {\"name\": \"a\", \"values\": [0.3333333333333333]}\n"
                        + "  ],\n"
                        + "  \"pruned\": {\n"
                        + "    \"g\\\"1\": [0, 4],\n"
                        + "    \"h\": []\n"
                        + "  }\n"
                        + "}\n",
                json);
    }
}
