package io.hub.pki;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The parent side of {@link CrashChildOutput}: a child JVM of this test classpath, killed with
 * SIGKILL at the first line it says that {@code killAt} accepts.
 */
public final class KilledChild {

    private KilledChild() {
    }

    /** Runs {@code main} with {@code args}; returns every line it said, up to the one it was killed at. */
    public static List<String> run(Class<?> main, Predicate<String> killAt, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> said = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                said.add(line);
                if (killAt.test(line)) {
                    break;
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end after SIGKILL");
        }
        return said;
    }
}
