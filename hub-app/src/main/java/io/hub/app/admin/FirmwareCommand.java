package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "firmware", mixinStandardHelpOptions = true,
        description = "Upload firmware images and choose the version each model runs.",
        subcommands = {FirmwareCommand.Upload.class, FirmwareCommand.List.class, FirmwareCommand.Target.class},
        commandListHeading = "%nCommands:%n")
public final class FirmwareCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    // --version names the firmware here, so these commands offer --help without the standard --version.
    @Command(name = "upload", description = "Upload an image for a model.")
    static final class Upload implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Mixin
        AdminOptions admin;
        @Option(names = "--model", required = true, paramLabel = "MODEL")
        String model;
        @Option(names = "--version", required = true, paramLabel = "VERSION")
        String version;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode image = admin.client().upload("admin/v1/firmware?model=" + encode(model) + "&version="
                    + encode(version), "application/octet-stream", file, "uploading " + file.getFileName());
            spec.commandLine().getOut().printf("uploaded %s %s: %d bytes, sha256 %s%n", image.path("model").asText(),
                    image.path("version").asText(), image.path("size").asLong(), image.path("sha256").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the stored images.")
    static final class List implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-10s  %-12s  %12s  %-6s  %s%n", "MODEL", "VERSION", "BYTES", "TARGET", "SHA-256");
            for (JsonNode image : admin.client().json("GET", "admin/v1/firmware", null).path("images")) {
                out.printf("%-10s  %-12s  %12d  %-6s  %s%n", image.path("model").asText(),
                        image.path("version").asText(), image.path("size").asLong(),
                        image.path("target").asBoolean() ? "yes" : "", image.path("sha256").asText());
            }
            return 0;
        }
    }

    @Command(name = "target", description = "Set the version every phone of a model should run.")
    static final class Target implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Mixin
        AdminOptions admin;
        @Option(names = "--model", required = true, paramLabel = "MODEL")
        String model;
        @Option(names = "--version", required = true, paramLabel = "VERSION")
        String version;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode image = admin.client().json("PUT", "admin/v1/firmware/target",
                    Map.of("model", model, "version", version));
            spec.commandLine().getOut().printf("every %s now runs %s%n", image.path("model").asText(),
                    image.path("version").asText());
            return 0;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
