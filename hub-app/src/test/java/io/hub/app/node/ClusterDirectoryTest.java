package io.hub.app.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A node's SIP-TLS address as its heartbeat writes it and as another node reads it back. */
class ClusterDirectoryTest {

    @Test
    void anIpv4AndAnIpv6AddressGoThereAndBack() {
        assertEquals("10.1.0.7:5061", ClusterDirectory.format("10.1.0.7", 5061));
        assertEquals("[fd00::7]:5061", ClusterDirectory.format("fd00::7", 5061));
        assertEquals(Optional.of(new InetSocketAddress("10.1.0.7", 5061)), ClusterDirectory.parse("10.1.0.7:5061"));
        assertEquals(Optional.of(new InetSocketAddress("fd00::7", 5061)), ClusterDirectory.parse("[fd00::7]:5061"));
    }

    @Test
    void anAddressWithoutAPortOrWithABadOneIsNone() {
        assertEquals(Optional.empty(), ClusterDirectory.parse("10.1.0.7"));
        assertEquals(Optional.empty(), ClusterDirectory.parse("10.1.0.7:"));
        assertEquals(Optional.empty(), ClusterDirectory.parse("10.1.0.7:0"));
        assertEquals(Optional.empty(), ClusterDirectory.parse("10.1.0.7:http"));
        assertEquals(Optional.empty(), ClusterDirectory.parse(":5061"));
    }
}
