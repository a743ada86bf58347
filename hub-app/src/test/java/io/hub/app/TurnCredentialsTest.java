package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import io.hub.app.web.TurnCredentials;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TURN credentials the hub issues are the ones coturn checks with {@code use-auth-secret}: a
 * real coturn on loopback allocates a relay for them, and refuses (401) a wrong password, another
 * secret's, and credentials whose expiry has passed.
 */
class TurnCredentialsTest {

    private static final String SECRET = "north-wind-7";
    private static final List<String> URIS = List.of("turn:127.0.0.1:3478?transport=udp");

    @TempDir
    Path dir;

    @Test
    void credentialsAreUsernameWithExpiryAndTheSecretsHmac() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
        TurnCredentials.Issued issued = new TurnCredentials(URIS, SECRET, clock).issue("1001@hub.test");
        assertEquals("1796421600:1001@hub.test", issued.username(), "expiry 2026-12-04T22:00:00Z, twelve hours on");
        // base64(HMAC-SHA1("north-wind-7", "1796421600:1001@hub.test")), computed with openssl:
        // printf %s '1796421600:1001@hub.test' | openssl dgst -sha1 -hmac north-wind-7 -binary | base64
        assertEquals("Naf2/38roKS9ftvxcrETkDC1IE8=", issued.credential());
        assertEquals(URIS, issued.urls());
    }

    @Test
    void aUriThatIsNotTurnAndAnEmptySecretAreRefused() {
        Clock clock = Clock.systemUTC();
        assertEquals("'stun:127.0.0.1:3478' is not a turn: or turns: URI", assertThrows(IllegalArgumentException.class,
                () -> new TurnCredentials(List.of("stun:127.0.0.1:3478"), SECRET, clock)).getMessage());
        assertEquals("the TURN secret is empty", assertThrows(IllegalArgumentException.class,
                () -> new TurnCredentials(URIS, "", clock)).getMessage());
    }

    @Test
    void coturnAllocatesForIssuedCredentialsAndRefusesWrongOrExpiredOnes() throws Exception {
        try (Coturn coturn = Coturn.start(dir.resolve("coturn"), "hub.test", SECRET)) {
            TurnCredentials.Issued issued = new TurnCredentials(URIS, SECRET, Clock.systemUTC()).issue("1001@hub.test");
            TurnAllocation.Answer allocated = TurnAllocation.allocate(coturn.port, issued.username(),
                    issued.credential());
            assertEquals(TurnAllocation.ALLOCATE_SUCCESS, allocated.type(), "error " + allocated.errorCode()
                    + "\n" + coturn.log());
            assertTrue(allocated.relayedAddress(), "a relayed address was allocated");

            TurnAllocation.Answer wrong = TurnAllocation.allocate(coturn.port, issued.username(), "d3Jvbmc=");
            assertEquals(401, wrong.errorCode(), "a wrong password");

            TurnCredentials.Issued otherSecret = new TurnCredentials(URIS, "another-secret", Clock.systemUTC())
                    .issue("1001@hub.test");
            assertEquals(401, TurnAllocation.allocate(coturn.port, otherSecret.username(), otherSecret.credential())
                    .errorCode(), "another secret's credentials");

            Clock yesterday = Clock.offset(Clock.systemUTC(), java.time.Duration.ofHours(-13));
            TurnCredentials.Issued expired = new TurnCredentials(URIS, SECRET, yesterday).issue("1001@hub.test");
            assertEquals(401, TurnAllocation.allocate(coturn.port, expired.username(), expired.credential())
                    .errorCode(), "credentials whose expiry has passed");
        }
    }
}
