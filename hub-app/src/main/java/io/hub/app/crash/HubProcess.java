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
    private final List<String> printed;

    private HubProcess(Process process, URI admin, Path home, List<String> printed) {
        this.process = process;
        this.admin = admin;
        this.home = home;
        this.printed = List.copyOf(printed);
    }

    /** Starts the hub and returns once it printed {@code ready}; fails with what it printed if it ended first. */
    static HubProcess start(Path jar, Path home) throws IOException {
        return start(jar, home, null);
    }

    /** As {@link #start(Path, Path)}, on PostgreSQL at {@code databaseUrl} when it is not null. */
    static HubProcess start(Path jar, Path home, String databaseUrl) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString(), "start", "--home", home.toString(), "--bind", "127.0.0.1",
                "--https-port", "0", "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0"));
        if (databaseUrl != null) {
            command.addAll(List.of("--database-url", databaseUrl));
        }
        // Appended, so that a killed run's log is still there beside its restart's.
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                home.resolveSibling(home.getFileName() + ".log").toFile())).start();
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
        return new HubProcess(process, admin, home, printed);
    }

    URI admin() {
        return admin;
    }

    Path home() {
        return home;
    }

    /** The device HTTPS base URL ({@code https://127.0.0.1:PORT}), as the hub printed it. */
    URI deviceHttps() throws IOException {
        String url = printedValue("device HTTPS");
        return URI.create(url.substring(0, url.indexOf("/rdd/")));
    }

    /** The SIP-TLS port, as the hub printed it ({@code sip:127.0.0.1:PORT;transport=tls}). */
    int sipTlsPort() throws IOException {
        String uri = printedValue("SIP over TLS");
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1, uri.indexOf(';')));
    }

    private String printedValue(String row) throws IOException {
        for (String line : printed) {
            if (line.strip().startsWith(row)) {
                String[] words = line.strip().split("\\s+");
                return words[words.length - 1];
            }
        }
        throw new IOException("the hub did not print its " + row + " row");
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
