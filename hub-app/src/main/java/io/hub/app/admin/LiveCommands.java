package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a running hub holds right now, as an operator asks kamcmd ({@code ul.dump}) and
 * rtpengine-ctl ({@code list}): {@code hub registrations} and {@code hub calls}, read from the admin
 * API ({@code /admin/v1/registrations}, {@code /admin/v1/calls}) with the home's token.
 */
public final class LiveCommands {

    /** The seed's quality bounds the relay's figures are judged against. */
    static final double JITTER_BOUND_MS = 30;
    static final double LOSS_BOUND_PERCENT = 1;

    private LiveCommands() {
    }

    @Command(name = "registrations", mixinStandardHelpOptions = true,
            description = {"The registered bindings with their flows: AOR, phone, flow, source address, transport, "
                    + "seconds to expiry, last keepalive, user agent.",
                    "Exits 1 when --aor names none."})
    public static final class Registrations implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Option(names = "--aor", paramLabel = "AOR",
                description = "Only this AOR: sip:1001@domain, 1001@domain or the extension alone.")
        String aor;
        @Option(names = "--json", description = "The bindings as JSON, one array.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JsonNode answer = admin.client().json("GET", "admin/v1/registrations", null);
            List<JsonNode> bindings = new ArrayList<>();
            answer.path("registrations").forEach(binding -> {
                if (aor == null || matches(binding.path("aor").asText(), aor)) {
                    bindings.add(binding);
                }
            });
            bindings.sort(Comparator.comparing(binding -> binding.path("aor").asText()));
            PrintWriter out = spec.commandLine().getOut();
            if (aor != null && bindings.isEmpty()) {
                spec.commandLine().getErr().println("hub: no registration of " + aor);
                return 1;
            }
            if (json) {
                ArrayNode array = AdminClient.JSON.createArrayNode();
                bindings.forEach(array::add);
                out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
                return 0;
            }
            TextTable table = new TextTable("AOR", "MAC", "FLOW", "SOURCE", "TRANSPORT", "EXPIRES", "LAST KEEPALIVE",
                    "USER AGENT");
            for (JsonNode binding : bindings) {
                table.add(binding.path("aor").asText(), text(binding, "mac"), text(binding, "flow"),
                        text(binding, "source"), text(binding, "transport"), binding.path("expires").asLong() + "s",
                        text(binding, "lastKeepalive"), text(binding, "userAgent"));
            }
            table.print(out);
            out.println(bindings.size() + " binding(s), " + (aor == null ? answer.path("flows").asInt()
                    : bindings.stream().filter(binding -> "up".equals(text(binding, "flow"))).count()) + " flow(s)");
            return 0;
        }

        /** The AOR asked for, with or without its scheme, or its user part alone. */
        static boolean matches(String stored, String asked) {
            String bare = stored.replaceFirst("^sips?:", "");
            String wanted = asked.replaceFirst("^sips?:", "");
            return bare.equalsIgnoreCase(wanted) || (!wanted.contains("@") && bare.startsWith(wanted + "@"));
        }
    }

    @Command(name = "calls", mixinStandardHelpOptions = true,
            description = "The active calls through the hub's B2BUA and relay: caller, callee, state, seconds, and "
                    + "each leg's loss and jitter as the relay measured them (bounds: jitter 30 ms, loss 1 %).")
    public static final class Calls implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Option(names = "--json", description = "The calls as JSON: active and recently ended.")
        boolean json;
        @Option(names = "--recent", description = "Also the calls that ended lately, with how they ended.")
        boolean recent;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JsonNode answer = admin.client().json("GET", "admin/v1/calls", null);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                return 0;
            }
            JsonNode active = answer.path("active");
            if (active.isEmpty()) {
                out.println("no active call");
            } else {
                TextTable table = new TextTable("CALL-ID", "CALLER", "CALLEE", "STATE", "SECONDS",
                        "CALLER LOSS/JITTER", "CALLEE LOSS/JITTER");
                Instant now = Instant.now();
                for (JsonNode call : active) {
                    boolean answered = !call.path("answeredAt").isNull() && call.has("answeredAt");
                    Instant started = Instant.parse(call.path("startedAt").asText());
                    table.add(shortId(call.path("id").asText()), call.path("caller").asText(),
                            call.path("callee").asText(), answered ? "answered" : "ringing",
                            Math.max(0, Duration.between(started, now).toSeconds()),
                            quality(call.path("media").path("caller")), quality(call.path("media").path("callee")));
                }
                table.print(out);
                out.println(active.size() + " active call(s); bounds: jitter 30 ms, loss 1 %");
            }
            if (recent) {
                TextTable table = new TextTable("CALL-ID", "CALLER", "CALLEE", "ENDED", "CAUSE", "STATUS",
                        "CALLER LOSS/JITTER", "CALLEE LOSS/JITTER");
                for (JsonNode call : answer.path("recent")) {
                    table.add(shortId(call.path("id").asText()), call.path("caller").asText(),
                            call.path("callee").asText(), text(call, "endedAt"), text(call, "cause"),
                            call.path("status").asInt(), quality(call.path("media").path("caller")),
                            quality(call.path("media").path("callee")));
                }
                table.print(out);
            }
            return 0;
        }

        /** Loss (lost over expected, RFC 3550) and jitter, with a {@code !} past the seed's bounds. */
        static String quality(JsonNode leg) {
            if (leg.isMissingNode() || leg.isNull() || !leg.has("packetsReceived")) {
                return "-";
            }
            long received = leg.path("packetsReceived").asLong();
            long lost = Math.max(0, leg.path("lost").asLong());
            double loss = received + lost == 0 ? 0 : 100.0 * lost / (received + lost);
            double jitter = leg.path("jitterMs").asDouble();
            return String.format(Locale.ROOT, "%.2f%%/%.1fms%s", loss, jitter,
                    loss > LOSS_BOUND_PERCENT || jitter > JITTER_BOUND_MS || leg.path("qualityBreached").asBoolean()
                            ? " !" : "");
        }

        private static String shortId(String id) {
            return id.length() <= 8 ? id : id.substring(0, 8);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }
}
