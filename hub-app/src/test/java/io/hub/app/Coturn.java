package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.testing.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
    private static final int START_ATTEMPTS = 5;
    /** What coturn logs while it retries a bind another process holds. */
    private static final String BIND_CONFLICT = "Cannot bind";
    /** What coturn logs once its listeners and database are set up. */
    private static final String INITIALISED = "SQLite DB connection success";

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

    /**
     * Starts coturn on a port free for both UDP and TCP (the softphone's TURN runs over TCP), and
     * returns once its TCP listener answers. A port another process took between the probe and
     * coturn's bind leaves coturn retrying that bind in its log; it is stopped and started again on
     * another port, a bounded number of times.
     */
    static Coturn start(Path dir, String realm, String secret) throws IOException, InterruptedException {
        assertInstalled();
        Files.createDirectories(dir);
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Coturn coturn = launch(dir, LoopbackPorts.free(), realm, secret);
            if (coturn.listening()) {
                return coturn;
            }
            coturn.close();
        }
        throw new IOException("coturn did not listen on a free port in " + START_ATTEMPTS + " attempts");
    }

    private static Coturn launch(Path dir, int port, String realm, String secret) throws IOException {
        Path log = dir.resolve("turnserver.log");
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "-n", "--listening-ip=127.0.0.1",
                "--listening-port=" + port, "--relay-ip=127.0.0.1", "--min-port=" + MIN_RELAY_PORT, "--max-port=" + MAX_RELAY_PORT,
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=" + realm, "--no-tls", "--no-dtls",
                "--no-cli", "--no-multicast-peers", "--allow-loopback-peers", "--simple-log", "--log-file=stdout",
                "--pidfile=" + dir.resolve("turnserver.pid"), "--userdb=" + dir.resolve("turndb")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Coturn(process, port, log);
    }

    /**
     * Waits (at most 15 s) until coturn has set up its listeners and its TCP listener accepts, and
     * says whether it holds its port: false if it exited or logged a bind conflict.
     */
    private boolean listening() throws InterruptedException {
        for (int look = 0; look < 300 && process.isAlive(); look++) {
            String text = log();
            if (text.contains(BIND_CONFLICT)) {
                return false;
            }
            if (text.contains(INITIALISED) && accepts()) {
                return !log().contains(BIND_CONFLICT);
            }
            Thread.sleep(50);
        }
        return false;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
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
