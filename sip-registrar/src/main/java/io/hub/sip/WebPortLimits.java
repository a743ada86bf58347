package io.hub.sip;

import java.time.Duration;

/**
 * What the web port grants a connection before a phone has registered on it; its guard
 * ({@code io.hub.sip.transport.WebPortGuard}) closes the connection beyond a cap at once and the one
 * that misses a deadline when it does.
 *
 * @param connectionsPerSource open connections from one IPv4 address or IPv6 /64; the next is closed
 * @param maxConnections open connections in all; the next is closed
 * @param handshakeDeadline from the TCP accept to the WebSocket's upgrade (TLS handshake included)
 * @param registerDeadline from the TCP accept to a phone's REGISTER succeeding on the WebSocket
 */
public record WebPortLimits(int connectionsPerSource, int maxConnections, Duration handshakeDeadline,
                            Duration registerDeadline) {

    /** @throws IllegalArgumentException naming the limit that cannot hold */
    public WebPortLimits {
        if (connectionsPerSource < 1 || maxConnections < connectionsPerSource) {
            throw new IllegalArgumentException("connections per source (" + connectionsPerSource
                    + ") must be at least 1 and at most the total (" + maxConnections + ")");
        }
        if (handshakeDeadline.isNegative() || handshakeDeadline.isZero()
                || registerDeadline.compareTo(handshakeDeadline) < 0) {
            throw new IllegalArgumentException("the handshake deadline must be positive and the register "
                    + "deadline at least as long, not " + handshakeDeadline + " and " + registerDeadline);
        }
    }

    /**
     * 100 connections per source (an office of softphones behind one NAT), 10,000 in all, 10 s to
     * finish TLS and the upgrade, 60 s to register (the TLS ports' register deadline).
     */
    public static WebPortLimits standard() {
        return new WebPortLimits(100, 10_000, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }
}
