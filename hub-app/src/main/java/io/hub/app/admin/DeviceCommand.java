package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.app.UserError;
import io.hub.pki.MacAddress;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Enroll and manage phones through the admin API of a running hub.",
        subcommands = {DeviceCommand.Enroll.class, DeviceCommand.Import.class, DeviceCommand.List.class,
                DeviceCommand.Show.class, DeviceCommand.Disable.class, DeviceCommand.Enable.class,
                DeviceCommand.Remove.class, DeviceCommand.Approve.class, DeviceCommand.Unbind.class,
                DeviceCommand.RotatePassword.class, ResyncCommands.Resync.class, ResyncCommands.Reboot.class},
        commandListHeading = "%nCommands:%n")
public final class DeviceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true, description = "Enroll one phone.")
    static final class Enroll extends AdminCommand {
        @Option(names = "--mac", required = true, paramLabel = "MAC")
        MacAddress mac;
        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "e.g. \"Myriad M7\".")
        String model;
        @Option(names = "--extension", paramLabel = "EXT", description = "The SIP user it registers as.")
        String extension;
        @Option(names = "--display-name", paramLabel = "NAME")
        String displayName;
        @Option(names = "--site", paramLabel = "SITE")
        String site;
        @Option(names = "--region", paramLabel = "REGION", description = "eu1 (default), latam1, apac1 or na1.")
        String region;
        @Option(names = "--certificate-sha256", paramLabel = "SHA256",
                description = "Bind this certificate (SHA-256 of its DER, hex or colon pairs): needed for a phone "
                        + "whose CA is trusted --generic, unless you approve it later with 'device approve'.")
        String certificateSha256;

        @Override
        void run(AdminClient client, PrintWriter out) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("mac", mac.value());
            body.put("model", model);
            body.put("extension", extension);
            body.put("displayName", displayName);
            body.put("site", site);
            body.put("region", region);
            body.put("certificateSha256", certificateSha256);
            body.values().removeIf(java.util.Objects::isNull);
            JsonNode device = client.json("POST", "admin/v1/devices", body);
            out.printf("enrolled %s (%s)%s%n", device.path("mac").asText(),
                    device.path("model").asText(), device.path("extension").isTextual()
                            ? " as extension " + device.path("extension").asText() : ", not assigned to a user yet");
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Enroll, update or remove phones from a CSV file, all or nothing.",
                    "Columns: action, macAddress, deviceType, extension, displayName, site, region, certificateSha256."})
    static final class Import extends AdminCommand {
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--dry-run", description = "Check every line, change nothing.")
        boolean dryRun;

        @Override
        void run(AdminClient client, PrintWriter out) {
            JsonNode report = client.upload("admin/v1/devices/import" + (dryRun ? "?dryRun=true" : ""),
                    "text/csv", file, "importing " + file.getFileName());
            if (report.path("errors").size() > 0) {
                PrintWriter err = spec.commandLine().getErr();
                for (JsonNode error : report.path("errors")) {
                    err.printf("%s:%d: %s%n", file, error.path("line").asInt(), error.path("reason").asText());
                }
                int bad = report.path("errorCount").asInt(report.path("errors").size());
                throw new UserError(bad + " bad line(s) of " + report.path("lines").asInt() + " in " + file + "; nothing was imported");
            }
            out.printf("%s %d line(s): %d created, %d updated, %d deleted%n", dryRun ? "checked" : "imported",
                    report.path("lines").asInt(), report.path("created").asInt(), report.path("updated").asInt(),
                    report.path("deleted").asInt());
            if (dryRun) {
                out.println("dry run: nothing was changed");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List enrolled phones.")
    static final class List extends AdminCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "enabled or disabled.")
        String state;
        @Option(names = "--site", paramLabel = "SITE")
        String site;
        @Option(names = "--model", paramLabel = "MODEL")
        String model;
        @Option(names = "--page", paramLabel = "N", defaultValue = "0")
        int page;
        @Option(names = "--size", paramLabel = "N", defaultValue = "100")
        int size;
        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        void run(AdminClient client, PrintWriter out) throws Exception {
            StringBuilder query = new StringBuilder("admin/v1/devices?page=" + page + "&size=" + size);
            for (String[] filter : new String[][] {{"state", state}, {"site", site}, {"model", model}}) {
                if (filter[1] != null) {
                    query.append('&').append(filter[0]).append('=')
                            .append(URLEncoder.encode(filter[1], StandardCharsets.UTF_8));
                }
            }
            JsonNode answer = client.json("GET", query.toString(), null);
            if (json) {
                out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                return;
            }
            out.printf("%-12s  %-10s  %-9s  %-8s  %-12s  %s%n", "MAC", "MODEL", "EXTENSION", "STATE", "SITE",
                    "DISPLAY NAME");
            for (JsonNode device : answer.path("devices")) {
                out.printf("%-12s  %-10s  %-9s  %-8s  %-12s  %s%n", device.path("mac").asText(),
                        device.path("model").asText(), device.path("extension").asText("-"),
                        device.path("state").asText(), device.path("site").asText("-"),
                        device.path("displayName").asText(""));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One phone with its status history.")
    static final class Show extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            try {
                return AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                        client.json("GET", "admin/v1/devices/" + mac, null));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("the device's JSON does not print", e);
            }
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Refuse a phone until enabled again.")
    static final class Disable extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            client.json("PATCH", "admin/v1/devices/" + mac, Map.of("state", "disabled"));
            return "disabled " + mac;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Serve a disabled phone again.")
    static final class Enable extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            client.json("PATCH", "admin/v1/devices/" + mac, Map.of("state", "enabled"));
            return "enabled " + mac;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Bind a certificate to a phone: the one waiting for approval, or the one given.",
                    "A phone whose CA is trusted --generic gets its configuration only with its bound certificate; "
                            + "check the pending fingerprint (and where it came from, 'device show') against the "
                            + "phone before approving it."})
    static final class Approve extends AdminCommand.ByMac {
        @Option(names = "--fingerprint", paramLabel = "SHA256",
                description = "The certificate's SHA-256 (hex or colon pairs); default: the pending one.")
        String fingerprint;

        @Override
        String act(AdminClient client, String mac) {
            String path = "admin/v1/devices/" + mac;
            String chosen = fingerprint;
            String origin = "";
            if (chosen == null) {
                JsonNode pending = client.json("GET", path, null).path("certificate");
                if (!pending.path("pending").isTextual()) {
                    throw new UserError("no certificate is waiting for approval for " + mac
                            + "; give --fingerprint to bind one");
                }
                chosen = pending.path("pending").asText();
                origin = " (first seen " + pending.path("pendingSince").asText() + " from "
                        + pending.path("pendingSourceIp").asText() + ")";
            }
            JsonNode device = client.json("POST", path + "/certificate", Map.of("fingerprint", chosen));
            return "bound certificate " + device.path("certificate").path("bound").asText() + " to " + mac + origin;
        }
    }

    @Command(name = "unbind", mixinStandardHelpOptions = true,
            description = "Forget a phone's bound and pending certificates; the next generic one waits again.")
    static final class Unbind extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            client.json("DELETE", "admin/v1/devices/" + mac + "/certificate", null);
            return "unbound the certificate of " + mac;
        }
    }

    @Command(name = "rotate-password", mixinStandardHelpOptions = true,
            description = "Give a phone a new SIP password; a registered phone is told to fetch it (check-sync).")
    static final class RotatePassword extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            client.json("POST", "admin/v1/devices/" + mac + "/sip-password", null);
            return "rotated the SIP password of " + mac;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a phone.")
    static final class Remove extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            client.json("DELETE", "admin/v1/devices/" + mac, null);
            return "removed " + mac;
        }
    }
}
