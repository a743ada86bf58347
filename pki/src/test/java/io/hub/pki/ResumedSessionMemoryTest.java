package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A held SIP connection lives for days, so what its TLS session keeps counts per phone. With the
 * JDK's stateless tickets every resumed session carries its own parsed copy of the hub's
 * certificate chain; from the session cache it shares the one it was made with. Each case runs in
 * its own JVM, since the JDK reads the switch once per process.
 */
class ResumedSessionMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aResumedSessionSharesTheServerChainWhenSessionsAreCached() throws Exception {
        assertEquals("shared", probe(dir.resolve("cached"), "cached"));
    }

    @Test
    void withStatelessTicketsAResumedSessionParsesItsOwnCopy() throws Exception {
        // The JDK's default, shown so that the case above is known to have resumed.
        assertEquals("copied", probe(dir.resolve("tickets"), "tickets"));
    }

    private static String probe(Path pki, String mode) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ResumedSessionProbe.class.getName(), pki.toString(), mode)
                .redirectErrorStream(true).start();
        String output;
        try (var in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the probe did not end: " + output);
        }
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
