package io.hub.app.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged hub ({@code java -jar hub.jar start}) run as a child process on a home of its own,
 * every port chosen free, so that it can be killed with SIGKILL and started again.
 */
final class HubProcess implements AutoCloseable {

    private final Process process;
    private final URI admin;
    private final Path home;

    private HubProcess(Process process, URI admin, Path home) {
        this.process = process;
        this.admin = admin;
        this.home = home;
    }

    /** Starts the hub and returns once it printed {@code ready}; fails with what it printed if it ended first. */
    static HubProcess start(Path jar, Path home) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "start", "--home", home.toString(), "--bind", "127.0.0.1", "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0");
        Process process = new ProcessBuilder(command).redirectError(home.resolveSibling(home.getFileName()
                + ".log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> printed = new ArrayList<>();
        URI admin = null;
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ready")) {
            printed.add(line);
            if (line.strip().startsWith("admin HTTPS")) {
                try {
                    URI devices = new URI(line.substring(line.indexOf("https://")).strip());
                    admin = new URI("https", null, devices.getHost(), devices.getPort(), null, null, null);
                } catch (URISyntaxException e) {
                    throw new IOException("cannot read the admin URL in: " + line, e);
                }
            }
        }
        if (line == null || admin == null) {
            process.destroyForcibly();
            throw new IOException("the hub did not start on " + home + ":\n" + String.join("\n", printed));
        }
        // Keep reading its stdout so that it never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // nothing to keep
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "hub-stdout");
        drain.setDaemon(true);
        drain.start();
        return new HubProcess(process, admin, home);
    }

    URI admin() {
        return admin;
    }

    Path home() {
        return home;
    }

    /** SIGKILL: no shutdown hook, no closing of the database. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the hub did not end after SIGKILL");
        }
    }

    /** SIGTERM, waiting for the hub to close its database. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the hub did not stop within 60 s of SIGTERM");
        }
    }
}
