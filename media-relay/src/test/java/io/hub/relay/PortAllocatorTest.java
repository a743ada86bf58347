package io.hub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

    @Test
    void pairsStartOnAnEvenPortInsideAnOddRange() throws Exception {
        PortAllocator ports = new PortAllocator(30001, 30010, new Random(1));
        Set<Integer> pairs = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            int port = ports.reservePair(Set.of());
            assertEquals(0, port % 2);
            assertTrue(port >= 30002 && port + 1 <= 30009, "inside the range: " + port);
            pairs.add(port);
        }
        assertEquals(Set.of(30002, 30004, 30006, 30008), pairs);
        assertEquals(2, ports.freePorts(), "30001 and 30010 have no partner");
        PortsExhaustedException e = assertThrows(PortsExhaustedException.class, () -> ports.reservePair(Set.of()));
        assertEquals("no free relay port pair in 30001-30010", e.getMessage());
        assertEquals(30001 + 30010, ports.reserveSingle(Set.of()) + ports.reserveSingle(Set.of()), "muxed legs take the rest");
    }

    @Test
    void freedPortsAreReusedAndRefusedOnesSkipped() throws Exception {
        PortAllocator ports = new PortAllocator(40000, 40003, new Random(7));
        int first = ports.reservePair(Set.of());
        int other = first == 40000 ? 40002 : 40000;
        assertThrows(PortsExhaustedException.class, () -> ports.reservePair(Set.of(other)));
        assertEquals(other, ports.reservePair(Set.of()));
        ports.free(first);
        ports.free(first + 1);
        assertEquals(first, ports.reservePair(Set.of()));
    }

    @Test
    void choicesAreSpreadOverTheRangeNotSequential() throws Exception {
        PortAllocator ports = new PortAllocator(30000, 44999, new Random(42));
        int ascending = 0;
        int previous = ports.reservePair(Set.of());
        for (int i = 0; i < 100; i++) {
            int port = ports.reservePair(Set.of());
            if (port == previous + 2) {
                ascending++;
            }
            previous = port;
        }
        assertTrue(ascending < 5, "next-free allocation would make every port predictable: " + ascending);
    }
}
