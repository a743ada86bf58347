package io.hub.relay;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Small UDP ranges on loopback that nothing holds right now, for tests that fill a relay. */
public final class FreePorts {

    private FreePorts() {
    }

    /** The first of four consecutive free ports, starting even, at or above {@code from}. */
    public static int fourFrom(int from) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int base = from & ~1; base < from + 4000; base += 4) {
            List<DatagramSocket> probes = new ArrayList<>();
            try {
                for (int port = base; port < base + 4; port++) {
                    probes.add(new DatagramSocket(new InetSocketAddress(loopback, port)));
                }
                return base;
            } catch (BindException e) {
                // taken: try the next four
            } finally {
                probes.forEach(DatagramSocket::close);
            }
        }
        throw new IOException("no four free ports in " + from + "-" + (from + 3999));
    }
}
