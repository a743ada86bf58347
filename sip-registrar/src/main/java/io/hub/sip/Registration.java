package io.hub.sip;

import java.time.Instant;

/**
 * One registered contact and the state of its flow, as the admin API lists it.
 *
 * @param certificateMac the MAC of the client certificate presented on the flow, or null
 * @param flowUp whether the connection the binding was made on is still open
 * @param lastKeepalive the flow's last keepalive, or null when the flow is down
 */
public record Registration(String aor, String contact, String instance, Integer regId, Instant expiresAt,
        Instant registeredAt, Instant refreshedAt, String userAgent, String certificateMac, long flowId,
        String source, String transport, String cipher, boolean flowUp, Instant lastKeepalive) {
}
