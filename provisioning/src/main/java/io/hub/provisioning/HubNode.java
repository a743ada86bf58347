package io.hub.provisioning;

import java.time.Duration;
import java.time.Instant;

/**
 * One node of the cluster as its last heartbeat described it.
 *
 * @param flows the phone connections (SIP flows) it held
 * @param calls the calls under way on it
 * @param sipAddress where the other nodes reach its SIP-TLS port ({@code host:port}, {@code [v6]:port}),
 *     or null when it did not say (a node of an older version)
 */
public record HubNode(String name, String version, Instant startedAt, Instant heartbeatAt, int flows, int calls,
        String sipAddress) {

    public HubNode(String name, String version, Instant startedAt, Instant heartbeatAt, int flows, int calls) {
        this(name, version, startedAt, heartbeatAt, flows, calls, null);
    }

    /**
     * A node silent this long is gone: four missed heartbeats. A node killed just after a heartbeat is
     * gone this long after, and the others see it at their next heartbeat, 2 s later at most: within
     * 10 s of the kill.
     */
    public static final Duration GONE_AFTER = Duration.ofSeconds(8);

    /** {@code up} while its heartbeat is younger than {@link #GONE_AFTER} at {@code now}, else {@code gone}. */
    public String state(Instant now) {
        return heartbeatAt.plus(GONE_AFTER).isAfter(now) ? "up" : "gone";
    }
}
