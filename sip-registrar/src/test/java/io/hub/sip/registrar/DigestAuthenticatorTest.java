package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    private final Clock stopped = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    private final DigestAuthenticator digest = new DigestAuthenticator(stopped);

    private static Map<String, String> answer(String challenge, String user, String password, String nc) {
        Map<String, String> offered = DigestAuthenticator.parse(challenge);
        String ha1 = DigestAuthenticator.hash("MD5", user + ":hub:" + password);
        String ha2 = DigestAuthenticator.hash("MD5", "REGISTER:sip:hub");
        return Map.of("username", user, "realm", "hub", "nonce", offered.get("nonce"), "uri", "sip:hub",
                "response", DigestAuthenticator.hash("MD5", ha1 + ":" + offered.get("nonce") + ":" + nc + ":c:auth:"
                        + ha2), "algorithm", "MD5", "qop", "auth", "nc", nc, "cnonce", "c");
    }

    @Test
    void twoPhonesChallengedInTheSameMillisecondBothGetIn() {
        String first = digest.challenges("hub", false, true).get(0);
        String second = digest.challenges("hub", false, true).get(0);
        assertNotEquals(DigestAuthenticator.parse(first).get("nonce"), DigestAuthenticator.parse(second).get("nonce"));
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        SipCredentials bob = DigestAuthenticator.credentials("1002", "hub", "b", Optional.empty(), true);
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(first, "1001", "a", "00000001"), "REGISTER",
                alice));
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(second, "1002", "b", "00000001"), "REGISTER",
                bob));
    }

    @Test
    void pastTenThousandNoncesExpiredOnesAreSweptAndFreshOnesStillRefuseReplays() {
        Instant[] now = {Instant.parse("2026-06-01T12:00:00Z")};
        DigestAuthenticator moving = new DigestAuthenticator(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        for (int i = 0; i < 10_001; i++) {
            assertEquals(DigestAuthenticator.Verdict.OK, moving.check(answer(moving.challenges("hub", false, true)
                    .get(0), "1001", "a", "00000001"), "REGISTER", alice));
        }
        now[0] = now[0].plus(DigestAuthenticator.NONCE_LIFETIME).plusSeconds(2);
        String fresh = moving.challenges("hub", false, true).get(0);
        assertEquals(DigestAuthenticator.Verdict.OK, moving.check(answer(fresh, "1001", "a", "00000001"), "REGISTER",
                alice), "this answer sweeps the ten thousand expired nonces");
        assertEquals(DigestAuthenticator.Verdict.REPLAYED, moving.check(answer(fresh, "1001", "a", "00000001"),
                "REGISTER", alice), "the sweep keeps what is fresh");
    }

    @Test
    void aRepeatedCountOrAForgedNonceIsStillRefused() {
        String challenge = digest.challenges("hub", false, true).get(0);
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", alice));
        assertEquals(DigestAuthenticator.Verdict.REPLAYED, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", alice));
        String nonce = DigestAuthenticator.parse(challenge).get("nonce");
        String forged = challenge.replace(nonce, (nonce.charAt(0) == 'A' ? "B" : "A") + nonce.substring(1));
        assertEquals(DigestAuthenticator.Verdict.BAD_NONCE, digest.check(answer(forged, "1001", "a", "00000001"),
                "REGISTER", alice));
    }
}
