package ai.hesso.examples;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What decides the last bits of PyTorch's float32 results on a CPU, beside the seed: the number of
 * intra-op threads (how a sum is split), and the instruction set of the kernels that ATen, oneDNN
 * and MKL pick (AVX2 and AVX-512 kernels add in different orders). Measured on the demo: one epoch
 * ends at test accuracy 0.8788 with 2 threads and 0.8853 with 1, and each of the three kernel
 * switches alone changes it too (docs/demo.md, "Reproducible numbers").
 *
 * <p>{@code bin/hesso} pins all of them to {@link #REFERENCE} unless the caller set them, so a
 * reader of the README sees the README's numbers; the demo prints the environment it ran in and
 * says when it is not the reference one.
 *
 * @param intraOpThreads PyTorch's intra-op threads
 * @param interOpThreads PyTorch's inter-op threads
 * @param atenCpuCapability {@code ATEN_CPU_CAPABILITY}, empty when unset (ATen picks the best)
 * @param onednnMaxCpuIsa {@code ONEDNN_MAX_CPU_ISA}, empty when unset
 * @param mklCbwr {@code MKL_CBWR}, empty when unset
 */
public record NumericEnvironment(
        int intraOpThreads,
        int interOpThreads,
        Optional<String> atenCpuCapability,
        Optional<String> onednnMaxCpuIsa,
        Optional<String> mklCbwr) {

    /** The environment the README's and docs' demo numbers were measured in (bin/hesso's pins). */
    public static final NumericEnvironment REFERENCE =
            new NumericEnvironment(
                    2, 1, Optional.of("avx2"), Optional.of("AVX2"), Optional.of("AVX2"));

    /**
     * Reads the running engine's thread counts and the process's kernel switches.
     *
     * @return the current environment; starts the PyTorch engine if it is not running
     */
    public static NumericEnvironment current() {
        Engine.getEngine("PyTorch");
        return of(JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), System.getenv());
    }

    /**
     * Builds the environment from thread counts and environment variables.
     *
     * @param intraOpThreads PyTorch's intra-op threads
     * @param interOpThreads PyTorch's inter-op threads
     * @param env the process environment
     * @return the environment
     */
    public static NumericEnvironment of(
            int intraOpThreads, int interOpThreads, Map<String, String> env) {
        return new NumericEnvironment(
                intraOpThreads,
                interOpThreads,
                variable(env, "ATEN_CPU_CAPABILITY"),
                variable(env, "ONEDNN_MAX_CPU_ISA"),
                variable(env, "MKL_CBWR"));
    }

    private static Optional<String> variable(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * Returns whether this is the environment the documented numbers were measured in. Kernel
     * switches compare without case, as the libraries read them.
     *
     * @return true for {@link #REFERENCE}
     */
    public boolean isReference() {
        return differences().isEmpty();
    }

    /**
     * Returns one line: the thread counts and the three kernel switches.
     *
     * @return e.g. {@code "PyTorch threads 2 intra-op / 1 inter-op; CPU kernels
     *     ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=AVX2"}
     */
    public String describe() {
        return String.format(
                "PyTorch threads %d intra-op / %d inter-op; CPU kernels ATEN_CPU_CAPABILITY=%s"
                        + " ONEDNN_MAX_CPU_ISA=%s MKL_CBWR=%s",
                intraOpThreads,
                interOpThreads,
                atenCpuCapability.orElse("(unset)"),
                onednnMaxCpuIsa.orElse("(unset)"),
                mklCbwr.orElse("(unset)"));
    }

    /**
     * Returns what differs from {@link #REFERENCE}, one item each.
     *
     * @return e.g. {@code ["4 intra-op threads (reference 2)"]}, empty for the reference
     */
    public List<String> differences() {
        List<String> d = new ArrayList<>();
        if (intraOpThreads != REFERENCE.intraOpThreads) {
            d.add(
                    intraOpThreads
                            + " intra-op threads (reference "
                            + REFERENCE.intraOpThreads
                            + ")");
        }
        if (interOpThreads != REFERENCE.interOpThreads) {
            d.add(
                    interOpThreads
                            + " inter-op threads (reference "
                            + REFERENCE.interOpThreads
                            + ")");
        }
        compare(d, "ATEN_CPU_CAPABILITY", atenCpuCapability, REFERENCE.atenCpuCapability);
        compare(d, "ONEDNN_MAX_CPU_ISA", onednnMaxCpuIsa, REFERENCE.onednnMaxCpuIsa);
        compare(d, "MKL_CBWR", mklCbwr, REFERENCE.mklCbwr);
        return d;
    }

    private static void compare(
            List<String> d, String name, Optional<String> value, Optional<String> reference) {
        if (!value.map(String::toLowerCase).equals(reference.map(String::toLowerCase))) {
            d.add(name + "=" + value.orElse("(unset)") + " (reference " + reference.get() + ")");
        }
    }
}
