package io.hub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * When the relay loop reads more than one datagram from a ready channel: only once a wake-up found it
 * behind. Forwarding itself, a flood on one port beside other calls, and every drop are the other
 * relay tests' subject; they run through the same reads.
 */
class RelayLoopTest {

    @Test
    void aLoopThatKeepsUpReadsOneDatagramAChannel() {
        assertEquals(1, RelayLoop.readsPerReadyChannel(0), "a wake-up by the tick alone");
        assertEquals(1, RelayLoop.readsPerReadyChannel(1));
        assertEquals(1, RelayLoop.readsPerReadyChannel(RelayLoop.BEHIND_READY_CHANNELS - 1));
    }

    @Test
    void aLoopBehindReadsABoundedFewAChannel() {
        assertEquals(4, RelayLoop.readsPerReadyChannel(RelayLoop.BEHIND_READY_CHANNELS));
        assertEquals(4, RelayLoop.readsPerReadyChannel(5_000), "never more, however far behind");
    }
}
