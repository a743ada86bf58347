package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code scripts/hub} run as a process on the jar the build packaged, as integration tests start it. */
final class HubScript {

    static final Path REPOSITORY = Path.of(System.getProperty("hub.repository", "..")).toAbsolutePath().normalize();

    private HubScript() {
    }

    /** A command run from the repository, never rebuilding the jar, stderr discarded. */
    static ProcessBuilder command(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPOSITORY.toFile());
        builder.environment().put("HUB_NO_BUILD", "1");
        builder.environment().remove("HUB_HOME");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder;
    }

    /** What {@code hub start} printed before its {@code ready} line; fails if it ended first. */
    static String untilReady(BufferedReader out) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ready")) {
            lines.add(line);
        }
        assertTrue(line != null, "hub start ended before it was ready:\n" + String.join("\n", lines));
        return String.join("\n", lines);
    }
}
