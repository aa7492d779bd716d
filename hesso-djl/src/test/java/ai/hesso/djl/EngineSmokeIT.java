package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Proves the PyTorch engine starts offline from the native jar on the class path and computes on
 * the CPU.
 */
class EngineSmokeIT {

    @Test
    void pytorchLoadsOfflineAndMultipliesOnCpu() {
        assertEquals(
                "true",
                System.getProperty("ai.djl.offline"),
                "the build must run tests with -Dai.djl.offline=true (hesso.test.argLine)");

        Engine engine = Engine.getEngine("PyTorch");
        assertNotNull(engine);
        assertEquals("PyTorch", engine.getEngineName());
        String version = engine.getVersion();
        assertFalse(version == null || version.isBlank(), "engine version");
        System.out.println("PyTorch engine version " + version + ", DJL " + Engine.getDjlVersion());

        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = manager.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
            NDArray c = a.matMul(b);
            assertEquals(Device.cpu(), c.getDevice());
            assertEquals(new Shape(2, 2), c.getShape());
            // [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]]
            assertArrayEquals(new float[] {19, 22, 43, 50}, c.toFloatArray(), 0f);
        }
    }

    @Test
    void engineVersionIsTheConfiguredPytorch() {
        // The build pins pytorch-native-cpu (or -cu121) 2.3.1 for DJL 0.29.0.
        assertEquals("2.3.1", Engine.getEngine("PyTorch").getVersion());
    }
}
