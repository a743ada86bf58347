package io.hub.sip.location;

import java.time.Instant;

/**
 * One contact registered for an AOR.
 *
 * @param contact the Contact URI as the phone sent it
 * @param instance the RFC 5626 {@code +sip.instance}, or null
 * @param regId the RFC 5626 {@code reg-id}, or null; with the instance it names a flow binding
 * @param flowId the connection the binding was made on and requests to the phone go down; 0 when
 *     it is gone (after a restart, or lost until the phone reconnects)
 * @param source the address and port the phone's packets come from ({@code 192.0.2.1:40112})
 * @param deviceMac the MAC of the client certificate presented on the flow, or null
 */
public record Binding(String aor, String contact, String instance, Integer regId, String callId, long cseq,
        Instant expiresAt, Instant registeredAt, Instant refreshedAt, long flowId, String source, String transport,
        String userAgent, String deviceMac, String cipher) {

    /** Bindings with the same key are the same binding: the flow for outbound, else the contact. */
    public String key() {
        return instance != null && regId != null ? instance + ";reg-id=" + regId : contact;
    }

    public boolean isOutbound() {
        return instance != null && regId != null;
    }

    public boolean hasFlow() {
        return flowId != 0;
    }

    public Binding withoutFlow() {
        return new Binding(aor, contact, instance, regId, callId, cseq, expiresAt, registeredAt, refreshedAt, 0, source,
                transport, userAgent, deviceMac, cipher);
    }
}
