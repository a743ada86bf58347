package io.hub.relay.srtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void theWindowRemembersSixtyFourIndicesBelowTheHighest() {
        ReplayWindow window = new ReplayWindow();
        window.accept(100);

        assertFalse(window.isFresh(100));
        assertTrue(window.isFresh(99));
        assertTrue(window.isFresh(37));
        assertFalse(window.isFresh(36), "64 behind the highest");
        window.accept(99);
        assertFalse(window.isFresh(99));
        window.accept(300);
        assertTrue(window.isFresh(299));
        assertFalse(window.isFresh(100), "left behind by a jump");
    }
}
