package io.hub.sip.transport;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections no phone has registered on yet, per source (an IPv4 address or an IPv6 /64, as
 * {@link DensityGuard} keys them), oldest first. A source may hold {@code perSource} of them; the
 * one beyond makes the oldest give way, so a squatter cannot keep the slots it took and a phone
 * that connects last still gets its turn. A connection leaves the table when a phone registers on
 * it or when it closes: registered flows are never counted, so a NAT full of phones is never capped.
 */
final class UnregisteredConnections {

    private final int perSource;
    private final Map<Object, ArrayDeque<Connection>> bySource = new HashMap<>();
    private final Map<Connection, Object> sourceOf = new HashMap<>();

    UnregisteredConnections(int perSource) {
        if (perSource < 1) {
            throw new IllegalArgumentException("unregistered connections per source must be at least 1: " + perSource);
        }
        this.perSource = perSource;
    }

    /** Counts {@code connection} for {@code source}; returns the oldest one that must give way, or null. */
    synchronized Connection admit(InetAddress source, Connection connection) {
        Object key = DensityGuard.key(source);
        ArrayDeque<Connection> held = bySource.computeIfAbsent(key, k -> new ArrayDeque<>());
        held.addLast(connection);
        sourceOf.put(connection, key);
        if (held.size() <= perSource) {
            return null;
        }
        Connection oldest = held.pollFirst();
        sourceOf.remove(oldest);
        return oldest;
    }

    /** {@code connection} is no longer unregistered: a phone registered on it, or it closed. */
    synchronized void leave(Connection connection) {
        Object key = sourceOf.remove(connection);
        if (key == null) {
            return;
        }
        ArrayDeque<Connection> held = bySource.get(key);
        held.remove(connection);
        if (held.isEmpty()) {
            bySource.remove(key);
        }
    }

    /** Unregistered connections held now by {@code source}'s address or prefix. */
    synchronized int heldBy(InetAddress source) {
        ArrayDeque<Connection> held = bySource.get(DensityGuard.key(source));
        return held == null ? 0 : held.size();
    }
}
