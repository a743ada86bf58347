package io.hub.app.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Calls between registered emulator phones ({@code hub phone fleet --calls}), while an operator
 * client reads {@code GET /admin/v1/calls} over and over. A call's record is written when the call
 * ends; after a kill, every record the API listed is still there with the same columns, and every
 * record is whole: started before it ended, answered (status 200) within that span or not at all,
 * an end cause, media figures that parse, between two of the workload's phones.
 */
final class CallsPath implements CrashPath {

    private static final int PHONES = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An end cause as the registrar writes one ({@code callee-hung-up}, {@code no-answer}, ...). */
    private static final java.util.regex.Pattern CAUSE = java.util.regex.Pattern.compile("[a-z]+(-[a-z]+)*");

    private final Path jar;
    private final int calls;

    /**
     * @param jar the hub's jar, whose {@code phone fleet} makes the calls
     * @param calls calls the workload makes, one second each, ten started a second
     */
    CallsPath(Path jar, int calls) {
        this.jar = jar;
        this.calls = calls;
    }

    private static String mac(int i) {
        return String.format("00809c%06x", i);
    }

    private static String extension(int i) {
        return String.valueOf(400_000 + i);
    }

    @Override
    public void seed(AdminHttps admin) throws Exception {
        for (int i = 1; i <= PHONES; i++) {
            String body = "{\"mac\":\"" + mac(i) + "\",\"model\":\"Myriad M7\",\"extension\":\"" + extension(i) + "\"}";
            int status = admin.send("POST", "/admin/v1/devices", "application/json",
                    HttpRequest.BodyPublishers.ofString(body));
            if (status != 201) {
                throw new IOException("enrolling " + mac(i) + " was answered " + status);
            }
        }
    }

    @Override
    public Workload drive(AdminHttps admin) throws Exception {
        HubProcess hub = admin.hub();
        Path log = hub.home().resolveSibling(hub.home().getFileName() + "-fleet.log");
        Process fleet = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "phone", "fleet", "--home", hub.home().toString(), "--hub",
                "https://localhost:" + hub.deviceHttps().getPort(), "--sip-server", "127.0.0.1:" + hub.sipTlsPort(),
                "--count", String.valueOf(PHONES), "--rate", "20", "--first-mac", mac(1), "--calls",
                String.valueOf(calls), "--call-seconds", "1", "--timeout", "5", "--attempts", "3")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Map<String, JsonNode> listed = new ConcurrentHashMap<>();
        // The operator's view, read until the fleet is done or the hub stops answering.
        boolean hubAnswered = true;
        while (fleet.isAlive() && hubAnswered) {
            hubAnswered = readCalls(admin, listed);
            fleet.waitFor(250, TimeUnit.MILLISECONDS);
        }
        if (hubAnswered) {
            readCalls(admin, listed); // the records of the last calls, written after they ended
        } else {
            fleet.destroyForcibly();
        }
        if (!fleet.waitFor(2, TimeUnit.MINUTES)) {
            fleet.destroyForcibly();
            throw new IOException("the phone fleet did not end; see " + log);
        }
        java.nio.file.Files.deleteIfExists(log);
        return new Listed(Map.copyOf(listed), calls);
    }

    /** Adds the ended calls the API lists now; false when the hub did not answer. */
    private static boolean readCalls(AdminHttps admin, Map<String, JsonNode> listed) throws InterruptedException {
        try {
            HttpResponse<String> answer = admin.exchange("GET", "/admin/v1/calls", "application/json",
                    HttpRequest.BodyPublishers.noBody());
            if (answer.statusCode() != 200) {
                return true; // answered, if only to say "later"
            }
            for (JsonNode call : JSON.readTree(answer.body()).path("recent")) {
                listed.put(call.path("id").asText(), call);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The ended calls {@code GET /admin/v1/calls} listed, by id, as it listed them. */
    private record Listed(Map<String, JsonNode> calls, int made) implements Workload {
        @Override
        public String acknowledged() {
            return calls.size() + " call records listed of " + made + " calls";
        }
    }

    @Override
    public Workload unacknowledged() {
        return new Listed(Map.of(), calls);
    }

    @Override
    public Outcome check(Connection database, Path home, Workload workload) throws SQLException {
        Map<String, Row> rows = new HashMap<>();
        try (PreparedStatement query = database.prepareStatement("SELECT id, caller, callee, started_at, answered_at, "
                + "ended_at, cause, status, media FROM sip_call"); ResultSet row = query.executeQuery()) {
            while (row.next()) {
                rows.put(row.getString("id"), new Row(row.getString("caller"), row.getString("callee"),
                        instant(row.getTimestamp("started_at")), instant(row.getTimestamp("answered_at")),
                        instant(row.getTimestamp("ended_at")), row.getString("cause"), row.getInt("status"),
                        row.getString("media")));
            }
        }
        List<String> lost = new ArrayList<>();
        ((Listed) workload).calls().forEach((id, listed) -> {
            Row row = rows.get(id);
            if (row == null) {
                lost.add(id + " (gone)");
            } else if (!row.sameAs(listed)) {
                lost.add(id + " (changed: " + row + " was listed as " + listed + ")");
            }
        });
        List<String> broken = new ArrayList<>();
        rows.forEach((id, row) -> {
            String fault = row.fault();
            if (fault != null) {
                broken.add(id + " " + fault);
            }
        });
        long answered = rows.values().stream().filter(row -> row.answeredAt != null).count();
        String survived = rows.size() + " call records (" + answered + " answered); " + workload.acknowledged();
        return new Outcome(survived, List.of(
                Invariant.of("listed-survives", lost.isEmpty(), lost.size() + " listed record(s) lost or changed, e.g. "
                        + lost.stream().sorted().findFirst().orElse("-")),
                Invariant.of("whole-record", broken.isEmpty(), broken.size() + " record(s) not whole, e.g. "
                        + broken.stream().sorted().findFirst().orElse("-"))));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** One {@code sip_call} row. */
    private record Row(String caller, String callee, Instant startedAt, Instant answeredAt, Instant endedAt,
            String cause, int status, String media) {

        boolean sameAs(JsonNode listed) {
            return caller.equals(listed.path("caller").asText()) && callee.equals(listed.path("callee").asText())
                    && Objects.equals(startedAt, listedInstant(listed, "startedAt"))
                    && Objects.equals(answeredAt, listedInstant(listed, "answeredAt"))
                    && Objects.equals(endedAt, listedInstant(listed, "endedAt"))
                    && cause.equals(listed.path("cause").asText()) && status == listed.path("status").asInt();
        }

        private static Instant listedInstant(JsonNode listed, String field) {
            JsonNode value = listed.path(field);
            return value.isTextual() ? Instant.parse(value.asText()) : null;
        }

        /** What makes the row not a whole record, or null. */
        String fault() {
            if (!ours(caller) || !ours(callee)) {
                return "between " + caller + " and " + callee + ", not two of the workload's phones";
            }
            if (startedAt == null || endedAt == null || endedAt.isBefore(startedAt)) {
                return "started " + startedAt + ", ended " + endedAt;
            }
            if (answeredAt != null && (answeredAt.isBefore(startedAt) || answeredAt.isAfter(endedAt)
                    || status != 200)) {
                return "answered " + answeredAt + " with status " + status + " in " + startedAt + " .. " + endedAt;
            }
            if (cause == null || !CAUSE.matcher(cause).matches()) {
                return "end cause " + cause;
            }
            try {
                JSON.readTree(media);
            } catch (IOException e) {
                return "media figures that do not parse";
            }
            return null;
        }

        private static boolean ours(String aor) {
            return aor != null && aor.matches("sips?:4\\d{5}@.+");
        }
    }
}
