package io.hub.provisioning;

import java.time.Duration;
import java.time.Instant;

/**
 * One node of the cluster as its last heartbeat described it.
 *
 * @param flows the phone connections (SIP flows) it held
 * @param calls the calls under way on it
 */
public record HubNode(String name, String version, Instant startedAt, Instant heartbeatAt, int flows, int calls) {

    /** A node silent this long is gone: five missed heartbeats. */
    public static final Duration GONE_AFTER = Duration.ofSeconds(10);

    /** {@code up} while its heartbeat is younger than {@link #GONE_AFTER} at {@code now}, else {@code gone}. */
    public String state(Instant now) {
        return heartbeatAt.plus(GONE_AFTER).isAfter(now) ? "up" : "gone";
    }
}
