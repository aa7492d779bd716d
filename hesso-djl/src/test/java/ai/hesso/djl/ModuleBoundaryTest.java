package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's public surface is its module descriptors: users on the module path see the API
 * packages only; the engine (hesso-djl) and the identification state machine, selection rules and
 * reference engine (hesso-core) stay internal.
 */
class ModuleBoundaryTest {

    /** Reads the descriptor compiled beside a class: its classes directory or its jar. */
    private static ModuleDescriptor descriptor(Class<?> inModule) throws Exception {
        Path location =
                Path.of(inModule.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile());
                InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** The packages holding classes beside a class: its classes directory or its jar. */
    private static Set<String> packages(Class<?> inModule) throws Exception {
        Path location =
                Path.of(inModule.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> out = new TreeSet<>();
        List<String> classFiles = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.filter(f -> f.toString().endsWith(".class"))
                        .forEach(f -> classFiles.add(location.relativize(f).toString()));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream()
                        .map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class"))
                        .forEach(classFiles::add);
            }
        }
        for (String file : classFiles) {
            int slash = file.lastIndexOf('/');
            if (slash > 0) {
                out.add(file.substring(0, slash).replace('/', '.'));
            }
        }
        return out;
    }

    private static Map<String, Set<String>> exports(ModuleDescriptor d) {
        Map<String, Set<String>> out = new TreeMap<>();
        d.exports().forEach(e -> out.put(e.source(), new TreeSet<>(e.targets())));
        return out;
    }

    @Test
    void hessoDjlExportsItsApiPackagesAndKeepsTheEngineInternal() throws Exception {
        ModuleDescriptor d = descriptor(HessoOptimizer.class);
        assertEquals("ai.hesso.djl", d.name());
        Map<String, Set<String>> everyone = new TreeMap<>();
        for (String p :
                new String[] {
                    "ai.hesso.djl",
                    "ai.hesso.djl.checkpoint",
                    "ai.hesso.djl.compact",
                    "ai.hesso.djl.cost",
                    "ai.hesso.djl.discovery",
                    "ai.hesso.djl.export",
                    "ai.hesso.djl.layers"
                }) {
            everyone.put(p, Set.of());
        }
        assertEquals(everyone, exports(d));
        Set<String> internal = packages(HessoOptimizer.class);
        internal.removeAll(everyone.keySet());
        assertEquals(Set.of("ai.hesso.djl.engine"), internal);
        Map<String, Set<String>> opens = new TreeMap<>();
        d.opens().forEach(o -> opens.put(o.source(), new TreeSet<>(o.targets())));
        assertEquals(
                Map.of(
                        "ai.hesso.djl.checkpoint", Set.of("com.google.gson"),
                        "ai.hesso.djl.compact", Set.of("com.google.gson")),
                opens);
    }

    @Test
    void hessoCoreExportsSettingsAndGroupsButNotItsStateMachine() throws Exception {
        ModuleDescriptor d = descriptor(ai.hesso.core.HessoSettings.class);
        assertEquals("ai.hesso.core", d.name());
        Map<String, Set<String>> exports = exports(d);
        assertEquals(Set.of("ai.hesso.djl"), exports.get("ai.hesso.core.identification"));
        Set<String> hidden = packages(ai.hesso.core.HessoSettings.class);
        hidden.removeAll(exports.keySet());
        assertEquals(Set.of("ai.hesso.core.reference", "ai.hesso.core.selection"), hidden);
    }
}
