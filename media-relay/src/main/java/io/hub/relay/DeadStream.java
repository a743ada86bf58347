package io.hub.relay;

import java.time.Duration;
import java.time.Instant;

/**
 * A session whose leg sent nothing for its timeout: the call side ends the call and releases it.
 *
 * @param silentSince when the silent leg last sent an accepted packet, or when the session was allocated
 */
public record DeadStream(RelaySession session, Side silentLeg, Instant silentSince, Duration timeout) {
}
