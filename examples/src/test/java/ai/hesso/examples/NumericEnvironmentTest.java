package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's numeric environment: what is compared with the documented one, and how it reads. */
class NumericEnvironmentTest {

    private static final Map<String, String> PINNED =
            Map.of("ATEN_CPU_CAPABILITY", "avx2", "ONEDNN_MAX_CPU_ISA", "AVX2", "MKL_CBWR", "AVX2");

    @Test
    void binHessosPinsAreTheReference() {
        NumericEnvironment e = NumericEnvironment.of(2, 1, PINNED);
        assertTrue(e.isReference());
        assertEquals(
                "PyTorch threads 2 intra-op / 1 inter-op; CPU kernels ATEN_CPU_CAPABILITY=avx2"
                        + " ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=AVX2",
                e.describe());
    }

    @Test
    void kernelSwitchesCompareWithoutCase() {
        Map<String, String> env =
                Map.of(
                        "ATEN_CPU_CAPABILITY",
                        "AVX2",
                        "ONEDNN_MAX_CPU_ISA",
                        "avx2",
                        "MKL_CBWR",
                        "avx2");
        assertTrue(NumericEnvironment.of(2, 1, env).isReference());
    }

    @Test
    void everyDifferenceIsNamed() {
        NumericEnvironment e =
                NumericEnvironment.of(
                        4, 1, Map.of("ATEN_CPU_CAPABILITY", "avx512", "MKL_CBWR", " "));
        assertFalse(e.isReference());
        assertEquals(
                List.of(
                        "4 intra-op threads (reference 2)",
                        "ATEN_CPU_CAPABILITY=avx512 (reference avx2)",
                        "ONEDNN_MAX_CPU_ISA=(unset) (reference AVX2)",
                        "MKL_CBWR=(unset) (reference AVX2)"),
                e.differences());
    }
}
