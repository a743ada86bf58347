package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code hub relay} refuses what it cannot serve with one line and status 2, before opening any socket. */
class RelayCommandTest {

    @Test
    void aRangeThatIsNoRangeIsRefused() {
        CommandLineRun run = CommandLineRun.hub("relay", "--relay-ports", "40000-30000");

        assertEquals(2, run.exitCode());
        assertEquals("hub: --relay-ports: relay ports must be a range within 1-65535 of at least two ports, not "
                + "40000-30000", run.errorLine());
    }

    @Test
    void aControlAddressWithoutPortIsRefused() {
        CommandLineRun run = CommandLineRun.hub("relay", "--ng", "localhost", "--relay-ports", "40000-40009");

        assertEquals(2, run.exitCode());
        assertEquals("hub: --ng must be ADDRESS:PORT, not localhost", run.errorLine());
    }

    @Test
    void aDeadStreamTimeoutBelowOneSecondIsRefused() {
        CommandLineRun run = CommandLineRun.hub("relay", "--dead-stream-seconds", "0");

        assertEquals(2, run.exitCode());
        assertEquals("hub: --dead-stream-seconds must be at least 1, not 0", run.errorLine());
    }

    @Test
    void ioThreadsOutsideTheRelaysRangeAreRefused() {
        CommandLineRun run = CommandLineRun.hub("relay", "--io-threads", "65");

        assertEquals(2, run.exitCode());
        assertEquals("hub: --io-threads: relay I/O threads must be from 0 (one per core) to 64, not 65",
                run.errorLine());
    }
}
