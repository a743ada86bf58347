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
 */
public record HttpLimits(Duration headerTimeout, Duration idleTimeout, int connectionsPerSource,
        int maxConnections) {

    public HttpLimits {
        if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (connectionsPerSource < 1 || maxConnections < connectionsPerSource) {
            throw new IllegalArgumentException("connections per source (" + connectionsPerSource
                    + ") must be at least 1 and at most the total (" + maxConnections + ")");
        }
    }

    /** A slow header is cut within 11 s; 64 connections per source, 5,000 in all. */
    public static HttpLimits standard() {
        return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 64, 5_000);
    }
}
