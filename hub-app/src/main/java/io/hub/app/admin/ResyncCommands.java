package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.MacAddress;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hub device resync} and {@code hub device reboot}: a check-sync NOTIFY to phones. */
final class ResyncCommands {

    private ResyncCommands() {
    }

    @Command(name = "resync", mixinStandardHelpOptions = true,
            description = {"Tell a phone, or every phone of a site, to fetch its configuration now.",
                    "A phone answers at once; a site is queued at the hub's resyncPerSecond and answered with its "
                            + "rollout, whose progress --rollout ID shows."})
    static final class Resync extends AdminCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Parameters(paramLabel = "MAC", arity = "0..1")
            MacAddress mac;
            @Option(names = "--site", paramLabel = "SITE", description = "Every enabled, assigned phone of the site.")
            String site;
            @Option(names = "--rollout", paramLabel = "ID", description = "Show the progress of a site's resync.")
            String rollout;
        }

        @Override
        void run(AdminClient client, PrintWriter out) {
            if (target.mac != null) {
                out.println(phone(client, target.mac.value(), "resync"));
            } else if (target.site != null) {
                out.println(rollout(client.json("POST", "admin/v1/sites/" + pathSegment(target.site) + "/resync",
                        null)));
            } else {
                out.println(rollout(client.json("GET", "admin/v1/resyncs/" + pathSegment(target.rollout), null)));
            }
        }
    }

    @Command(name = "reboot", mixinStandardHelpOptions = true,
            description = "Tell a phone to fetch its configuration and restart (check-sync;reboot=true).")
    static final class Reboot extends AdminCommand.ByMac {
        @Override
        String act(AdminClient client, String mac) {
            return phone(client, mac, "reboot");
        }
    }

    private static String phone(AdminClient client, String mac, String action) {
        JsonNode answer = client.json("POST", "admin/v1/devices/" + mac + "/" + action, null);
        return action + " " + mac + ": " + answer.path("outcome").asText()
                + (answer.path("status").isNumber() ? " (" + answer.path("status").asInt() + ")" : "")
                + (answer.path("outcome").asText().equals("ok") ? "" : " " + answer.path("detail").asText(""));
    }

    private static String rollout(JsonNode rollout) {
        StringBuilder line = new StringBuilder("rollout " + rollout.path("id").asText() + " ("
                + rollout.path("what").asText() + "): " + rollout.path("done").asInt() + " of "
                + rollout.path("total").asInt() + " done, " + rollout.path("pending").asInt() + " pending");
        rollout.path("outcomes").properties().forEach(outcome -> {
            if (outcome.getValue().asInt() > 0) {
                line.append(", ").append(outcome.getKey()).append(' ').append(outcome.getValue().asInt());
            }
        });
        return line.toString();
    }
}
