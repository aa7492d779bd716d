package ai.hesso.examples.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

class ProgressBarsTest {

    @Test
    void withoutATerminalTheBarWritesWholeLinesEndingWithItsLastState() {
        // tests run without a console, as a run whose output goes to a file does
        StringWriter text = new StringWriter();
        try (ProgressBar bar = ProgressBars.start("HESSO", 40, " steps", new PrintWriter(text))) {
            bar.stepBy(40);
            ProgressBars.say(bar, "epoch 2/2 loss 0.314");
        }
        String written = text.toString();
        assertFalse(written.contains("\r"), written);
        List<String> lines = written.lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("HESSO 100%"), last);
        assertTrue(last.contains("40/40"), last);
        assertTrue(last.endsWith(" steps/s epoch 2/2 loss 0.314"), last);
        // the closing render equals the timer's last one: written once
        assertEquals(1, lines.stream().filter(l -> l.equals(last)).count(), written);
        assertEquals(last, last.strip());
    }
}
