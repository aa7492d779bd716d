package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the quick start as a user's build would, against the installed artifacts only. */
class QuickStartTest {

    @Test
    void trainsPrunesCompactsAndSaves(@TempDir Path dir) throws Exception {
        QuickStart.Result r = QuickStart.run(dir);
        // 64 + 32 hidden units are prunable; half of 96 is 48.
        assertEquals(48, r.targetChannels());
        assertEquals(48, r.prunedChannels());
        // Dense: (10*64 + 64) + (64*32 + 32) + (32*3 + 3) = 704 + 2080 + 99 = 2,883. Which units go decides the compact size,
        // so only bound it: fewer than half remain of each hidden layer's weights.
        assertEquals(2883, r.parametersBefore());
        assertTrue(r.parametersAfter() < 2883 / 2, "compact parameters " + r.parametersAfter());
        assertTrue(r.maxAbsDifference() <= 1e-4, "compact vs zeroed " + r.maxAbsDifference());
        assertTrue(Files.exists(dir.resolve("compact.json")), "compact.json saved");
    }
}
