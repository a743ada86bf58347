package io.hub.sip.registrar;

import java.time.Duration;
import java.util.List;

/**
 * @param minExpires shorter registrations are answered 423 with Min-Expires
 * @param maxExpires longer ones are shortened to this
 * @param defaultExpires when neither the contact nor the request says
 * @param maxContacts bindings per AOR; the oldest is replaced beyond it
 * @param flowTimer the Flow-Timer given to RFC 5626 phones: how often they send keepalives
 * @param flowGrace how much longer than the Flow-Timer a flow may stay silent before it is closed
 * @param md5OnlyAgents User-Agent fragments (lower case) of clients that abandon a digest challenge
 *     offering SHA-256 beside MD5; they are challenged with MD5 alone
 * @param registersPerAorPerSecond authenticated REGISTERs one AOR may make in a second; more are
 *     answered 503 with Retry-After and store nothing
 */
public record RegistrarSettings(int minExpires, int maxExpires, int defaultExpires, int maxContacts,
        Duration flowTimer, Duration flowGrace, List<String> md5OnlyAgents, int registersPerAorPerSecond) {

    /** A phone refreshes every few minutes; a few a second leaves room for one booting with every line. */
    public static final int DEFAULT_REGISTERS_PER_AOR_PER_SECOND = 5;

    public RegistrarSettings {
        md5OnlyAgents = List.copyOf(md5OnlyAgents);
        if (registersPerAorPerSecond < 1) {
            throw new IllegalArgumentException("registersPerAorPerSecond must be at least 1: "
                    + registersPerAorPerSecond);
        }
    }

    public RegistrarSettings(int minExpires, int maxExpires, int defaultExpires, int maxContacts,
            Duration flowTimer, Duration flowGrace, List<String> md5OnlyAgents) {
        this(minExpires, maxExpires, defaultExpires, maxContacts, flowTimer, flowGrace, md5OnlyAgents,
                DEFAULT_REGISTERS_PER_AOR_PER_SECOND);
    }

    public static RegistrarSettings standard() {
        return new RegistrarSettings(60, 3600, 600, 10, Duration.ofSeconds(30), Duration.ofSeconds(20),
                List.of("baresip", "sipp"));
    }

    /** These settings with another rate of REGISTERs per AOR. */
    public RegistrarSettings withRegistersPerAorPerSecond(int perSecond) {
        return new RegistrarSettings(minExpires, maxExpires, defaultExpires, maxContacts, flowTimer, flowGrace,
                md5OnlyAgents, perSecond);
    }
}
