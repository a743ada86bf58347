package io.hub.dhcp.probe;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The one UDP socket a probe sends from and listens on: a Java channel bound to an address, or a
 * socket bound to a network device for an interface that has no IPv4 address yet.
 */
interface ProbeSocket extends Closeable {

    void send(byte[] packet, InetSocketAddress destination) throws IOException;

    /**
     * Waits at most {@code millis} for one datagram and puts it into {@code buffer} (cleared first).
     *
     * @return the address it came from, or null when none came in time
     */
    InetSocketAddress receive(ByteBuffer buffer, long millis) throws IOException;

    @Override
    void close() throws IOException;
}
