package io.hub.sip.registrar;

import java.time.Duration;

/**
 * @param minExpires shorter registrations are answered 423 with Min-Expires
 * @param maxExpires longer ones are shortened to this
 * @param defaultExpires when neither the contact nor the request says
 * @param maxContacts bindings per AOR; the oldest is replaced beyond it
 * @param flowTimer the Flow-Timer given to RFC 5626 phones: how often they send keepalives
 * @param flowGrace how much longer than the Flow-Timer a flow may stay silent before it is closed
 */
public record RegistrarSettings(int minExpires, int maxExpires, int defaultExpires, int maxContacts,
        Duration flowTimer, Duration flowGrace) {

    public static RegistrarSettings standard() {
        return new RegistrarSettings(60, 3600, 600, 10, Duration.ofSeconds(30), Duration.ofSeconds(20));
    }
}
