package ai.hesso.examples.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the built-in models' structure (parameter names, shapes and counts) so that defining them
 * through the shared fixtures cannot change what {@code hesso groups}, {@code demo} and {@code
 * bench} run.
 */
class BuiltinModelsTest {

    private static List<String> parameters(String name) {
        BuiltinModels.BuiltinModel model = BuiltinModels.get(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = model.build();
            block.initialize(manager, DataType.FLOAT32, model.inputShape());
            List<String> lines = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                lines.add(p.getKey() + " " + p.getValue().getArray().getShape());
            }
            return lines;
        }
    }

    private static long elements(List<String> parameters) {
        long total = 0;
        for (String line : parameters) {
            String dims = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
            long size = 1;
            for (String d : dims.split(", ")) {
                size *= Long.parseLong(d);
            }
            total += size;
        }
        return total;
    }

    @ParameterizedTest
    @CsvSource({
        "mlp, 6, 123",
        "vgg, 16, 10042",
        "resnet20, 108, 274298",
        "resnet18, 163, 905514",
        "inception, 12, 666",
        "transformer, 10, 1282",
        "fashion-cnn, 32, 41274"
    })
    void everyModelKeepsItsParameterCount(String name, int arrays, long total) {
        List<String> parameters = parameters(name);
        assertEquals(arrays, parameters.size(), name + ": " + parameters);
        assertEquals(total, elements(parameters), name + ": " + parameters);
    }

    @Test
    void namesAndInputShapesAreStable() {
        assertEquals(
                List.of(
                        "mlp",
                        "vgg",
                        "resnet20",
                        "resnet18",
                        "inception",
                        "transformer",
                        "fashion-cnn"),
                BuiltinModels.names());
        assertEquals("(1, 5)", BuiltinModels.get("mlp").inputShape().toString());
        assertEquals("(1, 3, 16, 16)", BuiltinModels.get("vgg").inputShape().toString());
        assertEquals("(1, 3, 16, 16)", BuiltinModels.get("inception").inputShape().toString());
        assertEquals("(1, 4, 8)", BuiltinModels.get("transformer").inputShape().toString());
        assertEquals("(1, 1, 28, 28)", BuiltinModels.get("fashion-cnn").inputShape().toString());
    }

    /** The demo's numbers are valid for exactly this network: every parameter, in order. */
    @Test
    void fashionCnnIsTheDemosNetwork() {
        assertEquals(
                List.of(
                        "01Conv2d_weight (16, 1, 3, 3)",
                        "01Conv2d_bias (16)",
                        "02BatchNorm_gamma (16)",
                        "02BatchNorm_beta (16)",
                        "02BatchNorm_runningMean (16)",
                        "02BatchNorm_runningVar (16)",
                        "04Conv2d_weight (16, 16, 3, 3)",
                        "04Conv2d_bias (16)",
                        "05BatchNorm_gamma (16)",
                        "05BatchNorm_beta (16)",
                        "05BatchNorm_runningMean (16)",
                        "05BatchNorm_runningVar (16)",
                        "08Conv2d_weight (32, 16, 3, 3)",
                        "08Conv2d_bias (32)",
                        "09BatchNorm_gamma (32)",
                        "09BatchNorm_beta (32)",
                        "09BatchNorm_runningMean (32)",
                        "09BatchNorm_runningVar (32)",
                        "11Conv2d_weight (32, 32, 3, 3)",
                        "11Conv2d_bias (32)",
                        "12BatchNorm_gamma (32)",
                        "12BatchNorm_beta (32)",
                        "12BatchNorm_runningMean (32)",
                        "12BatchNorm_runningVar (32)",
                        "15Conv2d_weight (64, 32, 3, 3)",
                        "15Conv2d_bias (64)",
                        "16BatchNorm_gamma (64)",
                        "16BatchNorm_beta (64)",
                        "16BatchNorm_runningMean (64)",
                        "16BatchNorm_runningVar (64)",
                        "20Linear_weight (10, 576)",
                        "20Linear_bias (10)"),
                parameters("fashion-cnn"));
    }
}
