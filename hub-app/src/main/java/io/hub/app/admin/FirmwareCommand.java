package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
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
    /** A command on one image, named by {@code --model} and {@code --version}. */
    abstract static class OneImage extends AdminCommand {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Option(names = "--model", required = true, paramLabel = "MODEL")
        String model;
        @Option(names = "--version", required = true, paramLabel = "VERSION")
        String version;
    }

    @Command(name = "upload", description = "Upload an image for a model.")
    static final class Upload extends OneImage {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        void run(AdminClient client, PrintWriter out) {
            JsonNode image = client.upload("admin/v1/firmware?model=" + encode(model) + "&version="
                    + encode(version), "application/octet-stream", file, "uploading " + file.getFileName());
            out.printf("uploaded %s %s: %d bytes, sha256 %s%n", image.path("model").asText(),
                    image.path("version").asText(), image.path("size").asLong(), image.path("sha256").asText());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the stored images.")
    static final class List extends AdminCommand {
        @Override
        void run(AdminClient client, PrintWriter out) {
            out.printf("%-10s  %-12s  %12s  %-6s  %s%n", "MODEL", "VERSION", "BYTES", "TARGET", "SHA-256");
            for (JsonNode image : client.json("GET", "admin/v1/firmware", null).path("images")) {
                out.printf("%-10s  %-12s  %12d  %-6s  %s%n", image.path("model").asText(),
                        image.path("version").asText(), image.path("size").asLong(),
                        image.path("target").asBoolean() ? "yes" : "", image.path("sha256").asText());
            }
        }
    }

    @Command(name = "target", description = "Set the version every phone of a model should run.")
    static final class Target extends OneImage {
        @Override
        void run(AdminClient client, PrintWriter out) {
            JsonNode image = client.json("PUT", "admin/v1/firmware/target", Map.of("model", model, "version", version));
            out.printf("every %s now runs %s%n", image.path("model").asText(), image.path("version").asText());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
