package io.hub.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void aPortIsBelowTheKernelsEphemeralRangeFreeForTcpAndUdpAndHandedOutOnce() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        // By lines: Files.readString, seeing a size of 0, reads a byte first, and procfs ends a
        // setting of integers after its first read, so it would get "3".
        int ephemeralFrom = Files.exists(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32768;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.free();
            assertTrue(drawn.add(port), port + " was handed out twice");
            assertTrue(port >= LoopbackPorts.FROM && port < LoopbackPorts.FROM + LoopbackPorts.COUNT, "port " + port);
            assertTrue(port < ephemeralFrom, port + " lies below the ephemeral range from " + ephemeralFrom);
            try (ServerSocket tcp = new ServerSocket();
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                tcp.bind(new InetSocketAddress(loopback, port));
            }
        }
    }
}
