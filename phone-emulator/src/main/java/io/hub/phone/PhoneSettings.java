package io.hub.phone;

import io.hub.phone.identity.PhoneTrust;
import io.hub.phone.sip.DigestAnswer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How emulated phones behave: where the hub is, what they trust, the firmware they run before any
 * update, each step's deadline, and how they try again.
 *
 * @param hub the device HTTPS base URL, such as {@code https://localhost:8443}
 * @param trusted the CAs a phone accepts server certificates from
 * @param stepDeadline how long one attempt at a step may take (connecting included)
 * @param firmwareDeadline the same for a firmware download
 * @param attempts attempts per step before the phone gives up on the boot
 * @param backoff the wait after a first failed attempt; doubled each time, with jitter, up to {@code maxBackoff}
 * @param sipServer where to register instead of the configuration's registrar (host names that only
 *     resolve elsewhere); the configuration's host is still the name the certificate must carry
 * @param unregisterOnStop whether a stopping phone removes its binding (Expires: 0) first
 */
public record PhoneSettings(URI hub, PhoneTrust trusted, String runningFirmware, Duration stepDeadline,
        Duration firmwareDeadline, int attempts, Duration backoff, Duration maxBackoff,
        DigestAnswer.Preference digest, Optional<InetSocketAddress> sipServer, String userAgent,
        boolean unregisterOnStop) {

    public static final String USER_AGENT = "hub-phone/1";

    public PhoneSettings {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
        }
    }

    /** Defaults a desk phone would have: 10 s a step, 4 attempts from 1 s of backoff up to 30 s. */
    public static PhoneSettings defaults(URI hub, List<X509Certificate> trusted) {
        return defaults(hub, new PhoneTrust(trusted));
    }

    /** The same defaults with {@code trusted} made into trust managers already (and its TLS library). */
    public static PhoneSettings defaults(URI hub, PhoneTrust trusted) {
        return new PhoneSettings(hub, trusted, "1.0.0", Duration.ofSeconds(10), Duration.ofSeconds(120), 4,
                Duration.ofSeconds(1), Duration.ofSeconds(30), DigestAnswer.Preference.STRONGEST, Optional.empty(),
                USER_AGENT, true);
    }

    public PhoneSettings withAttempts(int count, Duration firstBackoff) {
        return new PhoneSettings(hub, trusted, runningFirmware, stepDeadline, firmwareDeadline, count, firstBackoff,
                maxBackoff, digest, sipServer, userAgent, unregisterOnStop);
    }

    public PhoneSettings withDeadline(Duration step) {
        return new PhoneSettings(hub, trusted, runningFirmware, step, firmwareDeadline, attempts, backoff, maxBackoff,
                digest, sipServer, userAgent, unregisterOnStop);
    }
}
