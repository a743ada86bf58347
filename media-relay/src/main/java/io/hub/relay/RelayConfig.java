package io.hub.relay;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How the relay listens.
 *
 * @param bindAddress the address relay ports bind to ({@code 0.0.0.0} in production, loopback in tests)
 * @param minPort first port of the range, inclusive
 * @param maxPort last port of the range, inclusive
 * @param deadStreamTimeout how long a leg may send nothing before the session is reported dead
 * @param clockRate the RTP clock used to express jitter in milliseconds (8000 Hz for G.711 and G.722)
 * @param ioThreads how many I/O threads carry the sessions (each session, both legs, on one)
 */
public record RelayConfig(InetAddress bindAddress, int minPort, int maxPort, Duration deadStreamTimeout, int clockRate,
        int ioThreads) {

    /** More I/O threads than this buys nothing a relay on one machine could use. */
    public static final int MAX_IO_THREADS = 64;

    public static final int DEFAULT_MIN_PORT = 30000;
    public static final int DEFAULT_MAX_PORT = 44999;
    public static final Duration DEFAULT_DEAD_STREAM_TIMEOUT = Duration.ofSeconds(60);

    public RelayConfig {
        if (minPort < 1 || maxPort > 65535 || minPort >= maxPort) {
            throw new IllegalArgumentException("relay ports must be a range within 1-65535 of at least two ports, not "
                    + minPort + "-" + maxPort);
        }
        if (deadStreamTimeout.isNegative() || deadStreamTimeout.isZero()) {
            throw new IllegalArgumentException("the dead-stream timeout must be positive, not " + deadStreamTimeout);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("the RTP clock rate must be positive, not " + clockRate);
        }
        if (checkIoThreads(ioThreads) == 0) {
            throw new IllegalArgumentException(
                    "a relay needs at least one I/O thread (withIoThreads(0) makes one per core)");
        }
    }

    /**
     * The one check of a number of I/O threads, for the record, {@code hub.yaml}'s {@code relayIoThreads}
     * and {@code hub relay --io-threads}: from 0 (one per core) to {@link #MAX_IO_THREADS}.
     *
     * @return {@code requested}
     * @throws IllegalArgumentException naming the value when it is outside that range
     */
    public static int checkIoThreads(int requested) {
        if (requested < 0 || requested > MAX_IO_THREADS) {
            throw new IllegalArgumentException("relay I/O threads must be from 0 (one per core) to " + MAX_IO_THREADS
                    + ", not " + requested);
        }
        return requested;
    }

    /** These settings with one I/O thread per core. */
    public RelayConfig(InetAddress bindAddress, int minPort, int maxPort, Duration deadStreamTimeout, int clockRate) {
        this(bindAddress, minPort, maxPort, deadStreamTimeout, clockRate, threadPerCore());
    }

    /** One I/O thread per core the JVM may use, as rtpengine's default of one thread per core. */
    public static int threadPerCore() {
        return Math.min(MAX_IO_THREADS, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** The production defaults: 30000-44999 on every address, 60 s, 8000 Hz, one I/O thread per core. */
    public static RelayConfig defaults(InetAddress bindAddress) {
        return new RelayConfig(bindAddress, DEFAULT_MIN_PORT, DEFAULT_MAX_PORT, DEFAULT_DEAD_STREAM_TIMEOUT, 8000);
    }

    /**
     * These settings with the range of a {@code --relay-ports MIN-MAX} value.
     *
     * @throws IllegalArgumentException naming the value if it is not two numbers joined by a dash
     */
    public RelayConfig withPorts(String range) {
        String[] parts = range.strip().split("-", -1);
        try {
            if (parts.length == 2) {
                return new RelayConfig(bindAddress, Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()),
                        deadStreamTimeout, clockRate, ioThreads);
            }
        } catch (NumberFormatException e) {
            // the message below names the value
        }
        throw new IllegalArgumentException("relay ports must be MIN-MAX, not " + range);
    }

    public RelayConfig withDeadStreamTimeout(Duration timeout) {
        return new RelayConfig(bindAddress, minPort, maxPort, timeout, clockRate, ioThreads);
    }

    /** These settings with {@code threads} I/O threads; 0 means one per core. */
    public RelayConfig withIoThreads(int threads) {
        return new RelayConfig(bindAddress, minPort, maxPort, deadStreamTimeout, clockRate,
                checkIoThreads(threads) == 0 ? threadPerCore() : threads);
    }
}
