package io.hub.provisioning;

import java.time.Duration;

/**
 * What one HTTPS port grants a client before it has to show it is one.
 *
 * @param headerTimeout how long a connection may take, from its opening or the end of its last
 *     answer, to complete the TLS handshake and the next request's headers; a client dribbling a
 *     header byte at a time is closed when it runs out, however lively it looks
 * @param idleTimeout how long a connection may stay silent (reading a body, writing an answer)
 * @param connectionsPerSource open connections per IPv4 address or IPv6 /64 ({@link io.hub.provisioning.http.SourceKey});
 *     one beyond is closed at once
 * @param maxConnections open connections on the port; beyond, the port stops accepting until one
 *     closes
 * @param handshakesInFlight TLS handshakes under way on the port; a connection opened beyond them is
 *     closed at once, before any TLS work, so that a booting phone backs off and comes back rather
 *     than queueing a handshake; 0 for no cap. A cap bounds how long an admitted phone waits, not the
 *     work a storm takes: on a 2-core machine a 10,000-phone storm was over later with one, since
 *     refused phones come back after their backoff, and impatient phones gave up more often
 *     (bench/RESULTS.md), so there is none unless set
 */
public record HttpLimits(Duration headerTimeout, Duration idleTimeout, int connectionsPerSource,
        int maxConnections, int handshakesInFlight) {

    public HttpLimits {
        if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (connectionsPerSource < 1 || maxConnections < connectionsPerSource) {
            throw new IllegalArgumentException("connections per source (" + connectionsPerSource
                    + ") must be at least 1 and at most the total (" + maxConnections + ")");
        }
        if (handshakesInFlight < 0) {
            throw new IllegalArgumentException("handshakes in flight must be 0 (no cap) or more, not "
                    + handshakesInFlight);
        }
    }

    /** As the canonical constructor, without a cap on handshakes in flight. */
    public HttpLimits(Duration headerTimeout, Duration idleTimeout, int connectionsPerSource, int maxConnections) {
        this(headerTimeout, idleTimeout, connectionsPerSource, maxConnections, 0);
    }

    /** A slow header is cut within 11 s; 64 connections per source, 5,000 in all, handshakes uncapped. */
    public static HttpLimits standard() {
        return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 64, 5_000);
    }
}
