package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's coturn for the TURN tests: {@code turnserver} started in a test's folder, listening on a
 * free loopback UDP/TCP port with the REST-API shared secret ({@code use-auth-secret}), relaying on
 * loopback, no TLS, no CLI, its log in {@code turnserver.log} beside its database. Stopped by
 * {@link #close()}.
 */
final class Coturn implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/turnserver");
    /** The UDP ports coturn relays from. */
    static final int MIN_RELAY_PORT = 49160;
    static final int MAX_RELAY_PORT = 49200;

    private final Process process;
    final int port;
    final Path log;

    private Coturn(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Fails, saying what to install, when coturn is missing. */
    static void assertInstalled() {
        assertTrue(Files.isExecutable(BINARY), "the TURN tests need Debian's coturn: apt-get install -y coturn "
                + "(scripts/test installs it)");
    }

    static Coturn start(Path dir, String realm, String secret) throws IOException {
        assertInstalled();
        Files.createDirectories(dir);
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("turnserver.log");
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "-n", "--listening-ip=127.0.0.1",
                "--listening-port=" + port, "--relay-ip=127.0.0.1", "--min-port=" + MIN_RELAY_PORT, "--max-port=" + MAX_RELAY_PORT,
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=" + realm, "--no-tls", "--no-dtls",
                "--no-cli", "--no-multicast-peers", "--allow-loopback-peers", "--simple-log", "--log-file=stdout",
                "--pidfile=" + dir.resolve("turnserver.pid"), "--userdb=" + dir.resolve("turndb")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Coturn(process, port, log);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no coturn log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
