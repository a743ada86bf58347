package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 of the hub in the middle of a bulk import leaves none or all of it: the import is one
 * transaction and H2 runs with WRITE_DELAY=0. The kill lands at a different moment each round.
 */
class ImportCrashIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("hub.repository", ".."))
            .toAbsolutePath().normalize();
    private static final int DEVICES = 20_000;

    @TempDir
    Path dir;

    @Test
    void aKillDuringAnImportLeavesNoneOrAll() throws Exception {
        Path home = dir.resolve("var");
        Path csv = dir.resolve("fleet.csv");
        StringBuilder lines = new StringBuilder("action,macAddress,deviceType,extension\n");
        for (int i = 0; i < DEVICES; i++) {
            lines.append("create,00809f").append(String.format("%06x", i)).append(",Myriad M7,").append(10_000 + i)
                    .append('\n');
        }
        Files.writeString(csv, lines);
        List<Integer> seen = new ArrayList<>();
        for (long delay : new long[] {150, 400, 900}) {
            Started hub = start(home);
            Process importing = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "--cacert",
                    home.resolve("pki/ca.pem").toString(), "-H", "Authorization: Bearer " + token(home),
                    "-H", "Content-Type: text/csv", "--data-binary", "@" + csv,
                    hub.admin + "/admin/v1/devices/import").redirectErrorStream(true).start();
            Thread.sleep(delay);
            hub.process.destroyForcibly();
            assertTrue(hub.process.waitFor(30, TimeUnit.SECONDS));
            importing.waitFor(30, TimeUnit.SECONDS);
            importing.destroyForcibly();

            Started again = start(home);
            int count = count(home, again.admin);
            seen.add(count);
            assertTrue(count == 0 || count == DEVICES, "after a kill -9 at " + delay + " ms: " + count + " devices");
            if (count == DEVICES) {
                stop(again);
                break;
            }
            stop(again);
        }
        assertTrue(!seen.isEmpty(), "no round ran");
    }

    private Started start(Path home) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("scripts/hub", "start", "--home", home.toString(), "--https-port",
                "0", "--admin-port", "0", "--sip-tls-port", "0").directory(REPOSITORY.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("HUB_NO_BUILD", "1");
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String admin = null;
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ready")) {
            if (line.strip().startsWith("admin HTTPS")) {
                admin = line.substring(line.indexOf("https://")).strip().replace("/admin/v1/devices", "");
            }
        }
        assertTrue(line != null && admin != null, "the hub did not start");
        return new Started(process, admin);
    }

    private static void stop(Started hub) throws Exception {
        new ProcessBuilder("kill", "-TERM", String.valueOf(hub.process.pid())).start().waitFor();
        assertTrue(hub.process.waitFor(30, TimeUnit.SECONDS));
    }

    private static int count(Path home, String admin) throws Exception {
        int total = 0;
        for (int page = 0; ; page++) {
            Process curl = new ProcessBuilder("curl", "-sS", "--cacert", home.resolve("pki/ca.pem").toString(), "-H",
                    "Authorization: Bearer " + token(home), admin + "/admin/v1/devices?size=1000&page=" + page)
                    .start();
            JsonNode answer = new ObjectMapper().readTree(curl.getInputStream().readAllBytes());
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            int size = answer.path("devices").size();
            total += size;
            if (size < 1000) {
                return total;
            }
        }
    }

    private static String token(Path home) throws Exception {
        return Files.readString(home.resolve("admin-token")).strip();
    }

    private record Started(Process process, String admin) {
    }
}
