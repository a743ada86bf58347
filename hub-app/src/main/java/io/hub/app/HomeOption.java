package io.hub.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every command that works on the runtime home. */
public final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR",
            description = "Runtime home (default: $HUB_HOME, else ./var).")
    private Path home;

    public HubHome home() {
        if (home != null) {
            return new HubHome(home);
        }
        String fromEnvironment = System.getenv("HUB_HOME");
        return new HubHome(Path.of(fromEnvironment == null || fromEnvironment.isBlank() ? "var" : fromEnvironment));
    }
}
