package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubTlsEngines;
import io.hub.pki.PemFiles;
import io.hub.testing.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package on this machine, as an operator installs it: {@code scripts/package} builds it,
 * {@code dpkg -i} installs it (the hub user and /var/lib/hub appear), the service starts by systemd
 * where systemd runs, else by its unit's {@code ExecStart} as its {@code User}, serves
 * {@code /healthz} over HTTPS on the ports its home's hub.yaml names, stops on SIGTERM, and
 * {@code dpkg -r} then {@code dpkg --purge} leave no file, home or user behind.
 *
 * <p>It installs a system package, so it needs root (scripts/test runs as root on CI) and takes a
 * lock so two runs on one machine do not meet.
 */
class DebianPackageIT {

    private static final Path HOME = Path.of("/var/lib/hub");
    private static final Path UNIT = Path.of("/lib/systemd/system/hub.service");
    private static final List<Path> FILES = List.of(Path.of("/usr/bin/hub"), Path.of("/usr/share/hub/hub.jar"), UNIT);
    private static final Duration STEP = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void theServiceInstallsServesHealthAndIsRemovedCleanly() throws Exception {
        assertEquals("0", run("id", "-u").strip(), "installing a Debian package needs root (scripts/test runs as "
                + "root on CI)");
        try (FileChannel channel = FileChannel.open(Path.of("/tmp/hub-debian-package-it.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            if (exitCode("dpkg", "-s", "hub") == 0) {
                run("dpkg", "--purge", "hub");
            }
            Process service = null;
            try {
                String[] lines = run(HubScript.REPOSITORY.resolve("scripts/package").toString(), "--out",
                        dir.toString()).strip().split("\n");
                Path deb = Path.of(lines[lines.length - 1]);
                assertTrue(Files.isRegularFile(deb), String.join("\n", lines));
                String contents = run("dpkg-deb", "--contents", deb.toString());
                assertTrue(contents.contains("./usr/bin/hub") && contents.contains("./usr/share/hub/lib/")
                        && contents.contains("./lib/systemd/system/hub.service"), contents);

                run("dpkg", "-i", deb.toString());
                FILES.forEach(file -> assertTrue(Files.exists(file), file + " installed"));
                String[] user = run("getent", "passwd", "hub").strip().split(":");
                assertEquals("/var/lib/hub", user[5], "the hub user's home");
                assertEquals("hub", Files.getOwner(HOME).getName());

                int adminPort = LoopbackPorts.free();
                Files.writeString(HOME.resolve("hub.yaml"), "bind: 127.0.0.1\nadminBind: 127.0.0.1\n"
                        + "httpsPort: " + LoopbackPorts.free() + "\nadminPort: " + adminPort + "\nsipTlsPort: "
                        + LoopbackPorts.free() + "\nwebPort: " + LoopbackPorts.free()
                        + "\nrelayPorts: 47000-47099\n");
                run("chown", "hub:hub", HOME.resolve("hub.yaml").toString());

                boolean systemd = Files.isDirectory(Path.of("/run/systemd/system"));
                if (systemd) {
                    run("systemctl", "restart", "hub.service");
                } else {
                    service = startAsTheUnitSays(dir.resolve("journal.log"));
                }
                assertEquals(200, healthz(adminPort, service, dir.resolve("journal.log")));
                if (service != null) {
                    assertEquals("hub", run("ps", "-o", "user=", "-p", Long.toString(service.pid())).strip(),
                            "runs as the unit's User");
                    service.destroy();
                    assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the hub stops on SIGTERM");
                    service = null;
                } else {
                    run("systemctl", "stop", "hub.service");
                }

                run("dpkg", "-r", "hub");
                FILES.forEach(file -> assertFalse(Files.exists(file), file + " removed"));
                assertTrue(Files.isDirectory(HOME), "removing keeps the data; purging drops it");
                run("dpkg", "--purge", "hub");
                assertFalse(Files.exists(HOME), "purged: " + HOME);
                assertEquals(2, exitCode("getent", "passwd", "hub"), "the hub user is gone");
                assertEquals(2, exitCode("getent", "group", "hub"), "the hub group is gone");
                assertTrue(exitCode("dpkg", "-s", "hub") != 0, "the package is gone");
            } finally {
                if (service != null) {
                    service.destroyForcibly();
                }
                if (exitCode("dpkg", "-s", "hub") == 0) {
                    exitCode("dpkg", "--purge", "hub");
                }
            }
        }
    }

    /**
     * Without systemd, the unit's own lines say how to run it: {@code ExecStart} in
     * {@code WorkingDirectory} with its {@code Environment}, as {@code User} and {@code Group}.
     */
    private static Process startAsTheUnitSays(Path journal) throws IOException {
        Map<String, String> unit = new LinkedHashMap<>();
        List<String> environment = new ArrayList<>();
        for (String line : Files.readAllLines(UNIT, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (line.startsWith("#") || equals < 0) {
                continue;
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (key.equals("Environment")) {
                environment.add(value);
            } else {
                unit.put(key, value);
            }
        }
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + unit.get("User"),
                "--regid=" + unit.get("Group"), "--init-groups", "--"));
        command.addAll(List.of(unit.get("ExecStart").split("\\s+")));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of(unit.get("WorkingDirectory")).toFile())
                .redirectErrorStream(true).redirectOutput(journal.toFile());
        builder.environment().remove("HUB_HOME");
        for (String assignment : environment) {
            builder.environment().put(assignment.substring(0, assignment.indexOf('=')),
                    assignment.substring(assignment.indexOf('=') + 1));
        }
        return builder.start();
    }

    /** GET /healthz on the admin port, trusting the CA the installed hub made; waits for it to listen. */
    private static int healthz(int adminPort, Process service, Path journal) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        Path ca = HOME.resolve("pki/ca.pem");
        while (true) {
            if (service != null && !service.isAlive()) {
                throw new AssertionError("the hub ended with " + service.exitValue() + ":\n" + log(journal));
            }
            if (Files.exists(ca)) {
                try {
                    return client(ca).send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + adminPort
                            + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (IOException notListeningYet) {
                    // Until the hub has started its HTTPS ports.
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no /healthz within " + STEP.toSeconds() + " s:\n" + log(journal));
            }
            Thread.sleep(250);
        }
    }

    private static HttpClient client(Path ca) throws Exception {
        return HttpClient.newBuilder().sslContext(HubTlsEngines.clientTrusting(PemFiles.readCertificate(ca), null))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String log(Path journal) throws IOException {
        return Files.exists(journal) ? Files.readString(journal) : "(no output)";
    }

    /** Runs a command to its end (bounded); its output, failing on a non-zero exit. */
    private static String run(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HUB_NO_BUILD", "1");
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(STEP.toSeconds(), TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    private static int exitCode(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(STEP.toSeconds(), TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return process.exitValue();
    }
}
