package io.hub.phone.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetPiecesTest {

    @TempDir
    Path dir;

    @Test
    void localAddressesWalkTheBlockSkippingItsEnds() {
        LocalAddresses block = LocalAddresses.parse("127.16.0.0/30");
        assertEquals("127.16.0.1", block.address(0).getHostAddress());
        assertEquals("127.16.0.2", block.address(1).getHostAddress());
        assertEquals("127.16.0.1", block.address(2).getHostAddress(), "round again");
        assertEquals("127.16.1.2", LocalAddresses.parse("127.16.0.0/12").address(257).getHostAddress());
        for (String bad : List.of("127.0.0.1", "127.0.0.0/31", "::1/64", "nonsense/8", "127.0.0.0/x")) {
            assertThrows(IllegalArgumentException.class, () -> LocalAddresses.parse(bad), bad);
        }
    }

    @Test
    void percentilesByNearestRank() {
        Percentiles values = new Percentiles();
        for (int i = 100; i >= 1; i--) {
            values.add(i);
        }
        assertEquals(50, values.percentile(50));
        assertEquals(95, values.percentile(95));
        assertEquals(99, values.percentile(99));
        assertEquals(100, values.max());
        assertEquals(0, new Percentiles().percentile(50));
    }

    @Test
    void accountsFileLinesAndItsFirstBadLine() throws Exception {
        Path file = dir.resolve("accounts");
        Files.writeString(file, "# user password\n1001 secret\n\n1002:other\n");
        assertEquals(List.of(new RegisterBench.Account("1001", "secret"), new RegisterBench.Account("1002", "other")),
                RegisterBench.readAccounts(file));
        Files.writeString(file, "1001 secret\nlonely\n");
        assertEquals(file + " line 2: expected 'user password', got 'lonely'",
                assertThrows(IllegalArgumentException.class, () -> RegisterBench.readAccounts(file)).getMessage());
    }
}
