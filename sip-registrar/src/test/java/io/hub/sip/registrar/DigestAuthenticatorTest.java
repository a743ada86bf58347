package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import gov.nist.javax.sip.parser.AuthorizationParser;
import io.hub.phone.sip.DigestAnswer;
import io.hub.pki.MutableClock;
import io.hub.sip.registrar.DigestAuthenticator.Verdict;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sip.header.AuthorizationHeader;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    private final Clock stopped = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    private final DigestAuthenticator digest = new DigestAuthenticator(stopped);
    /** Where a test is not about the Request-URI, the answer's uri is taken to be it. */
    private static final java.util.function.Predicate<String> ANY_URI = uri -> true;
    private static final SipCredentials ALICE = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(),
            true);

    private static Map<String, String> answer(String challenge, String user, String password, String nc) {
        Map<String, String> offered = DigestAnswer.parse(challenge);
        String ha1 = DigestAnswer.hash("MD5", user + ":hub:" + password);
        String ha2 = DigestAnswer.hash("MD5", "REGISTER:sip:hub");
        return Map.of("username", user, "realm", "hub", "nonce", offered.get("nonce"), "uri", "sip:hub",
                "response", DigestAnswer.hash("MD5", ha1 + ":" + offered.get("nonce") + ":" + nc + ":c:auth:"
                        + ha2), "algorithm", "MD5", "qop", "auth", "nc", nc, "cnonce", "c");
    }

    /** A challenge {@code issuer} makes. */
    private static String challenge(DigestAuthenticator issuer) {
        return issuer.challenges("hub", false, true).get(0);
    }

    /** What {@code judge} says of alice's answer to {@code challenge} with count {@code nc}. */
    private static Verdict aliceAnswers(DigestAuthenticator judge, String challenge, String nc) {
        return judge.check(answer(challenge, "1001", "a", nc), "REGISTER", ANY_URI, ALICE);
    }

    /** The key every node of a cluster shares. */
    private static byte[] clusterKey() {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 7);
        return key;
    }

    @Test
    void twoPhonesChallengedInTheSameMillisecondBothGetIn() {
        String first = digest.challenges("hub", false, true).get(0);
        String second = digest.challenges("hub", false, true).get(0);
        assertNotEquals(DigestAnswer.parse(first).get("nonce"), DigestAnswer.parse(second).get("nonce"));
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        SipCredentials bob = DigestAuthenticator.credentials("1002", "hub", "b", Optional.empty(), true);
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(first, "1001", "a", "00000001"), "REGISTER", ANY_URI,
                alice));
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(second, "1002", "b", "00000001"), "REGISTER", ANY_URI,
                bob));
    }

    /** Another node's nonces (the same key) are counted by nonce here, and forgotten once expired. */
    @Test
    void expiredForeignNoncesAreForgottenOnTheNextAnswerAndFreshOnesStillRefuseReplays() {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        DigestAuthenticator nodeA = new DigestAuthenticator(clock, clusterKey());
        DigestAuthenticator nodeB = new DigestAuthenticator(clock, clusterKey());
        for (int i = 0; i < 300; i++) {
            assertEquals(Verdict.OK, aliceAnswers(nodeB, challenge(nodeA), "00000001"));
        }
        clock.advance(Duration.ofSeconds(60));
        String later = challenge(nodeA);
        assertEquals(Verdict.OK, aliceAnswers(nodeB, later, "00000001"));
        assertEquals(301, nodeB.foreignNoncesTracked());

        clock.advance(DigestAuthenticator.NONCE_LIFETIME.minusSeconds(58));
        String fresh = challenge(nodeA);
        assertEquals(Verdict.OK, aliceAnswers(nodeB, fresh, "00000001"),
                "this answer forgets the 300 nonces issued more than a lifetime ago");
        assertEquals(2, nodeB.foreignNoncesTracked(),
                "the nonce issued a minute later is still live, and the fresh one");
        assertEquals(Verdict.REPLAYED, aliceAnswers(nodeB, fresh, "00000001"), "what is fresh is kept");
        assertEquals(Verdict.REPLAYED, aliceAnswers(nodeB, later, "00000001"),
                "a nonce within its lifetime still refuses a repeated count");
        assertEquals(Verdict.OK, aliceAnswers(nodeB, later, "00000002"), "a higher count passes");
    }

    /** This process's own nonces take no memory as they are answered: a ring of slots holds their counts. */
    @Test
    void ownNoncesAreCountedInTheRingAndNotByNonce() {
        for (int i = 0; i < 1000; i++) {
            String challenge = challenge(digest);
            assertEquals(Verdict.OK, aliceAnswers(digest, challenge, "00000001"));
            assertEquals(Verdict.REPLAYED, aliceAnswers(digest, challenge, "00000001"));
        }
        assertEquals(0, digest.foreignNoncesTracked());
    }

    /**
     * Another node's nonces are counted here up to a bound: past it a new one is answered stale (the
     * phone is challenged afresh by this node), those already counted still refuse their replays and
     * let a higher count in, and room comes back as they expire.
     */
    @Test
    void foreignNoncesPastTheBoundAreStaleAndTakeNoMemory() {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        DigestAuthenticator nodeA = new DigestAuthenticator(clock, clusterKey());
        DigestAuthenticator nodeB = new DigestAuthenticator(clock, clusterKey(), NonceCounts.SLOTS, 3);
        List<String> counted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            counted.add(challenge(nodeA));
            assertEquals(Verdict.OK, aliceAnswers(nodeB, counted.get(i), "00000001"));
        }
        String overflow = challenge(nodeA);

        assertEquals(Verdict.STALE, aliceAnswers(nodeB, overflow, "00000001"),
                "a fourth foreign nonce finds the table full");
        assertEquals(Verdict.STALE, aliceAnswers(nodeB, overflow, "00000001"),
                "and is not let in on a second try either");
        assertEquals(3, nodeB.foreignNoncesTracked());
        assertEquals(Verdict.REPLAYED, aliceAnswers(nodeB, counted.get(0), "00000001"),
                "a counted one still refuses its replay");
        assertEquals(Verdict.OK, aliceAnswers(nodeB, counted.get(0), "00000002"), "and lets a higher count in");
        assertEquals(Verdict.OK, aliceAnswers(nodeB, challenge(nodeB), "00000001"),
                "the fresh challenge of this node gets in");

        clock.advance(DigestAuthenticator.NONCE_LIFETIME.plusSeconds(1));
        assertEquals(Verdict.OK, aliceAnswers(nodeB, challenge(nodeA), "00000001"),
                "room again once the counted ones expired");
        assertEquals(1, nodeB.foreignNoncesTracked());
    }

    /**
     * A nonce whose slot a newer answered nonce took is answered stale (a fresh challenge), never let
     * in: neither its replay nor its first answer, nor a higher count.
     */
    @Test
    void aNonceOvertakenInItsSlotIsStaleNotLetIn() {
        DigestAuthenticator small = new DigestAuthenticator(stopped, null, 4, NonceCounts.MAX_FOREIGN);
        String answered = challenge(small);
        assertEquals(Verdict.OK, aliceAnswers(small, answered, "00000001"));
        String unanswered = challenge(small);
        for (int i = 0; i < 4; i++) {
            assertEquals(Verdict.OK, aliceAnswers(small, challenge(small), "00000001"));
        }

        assertEquals(Verdict.STALE, aliceAnswers(small, answered, "00000001"), "its replay");
        assertEquals(Verdict.STALE, aliceAnswers(small, answered, "00000002"), "a higher count");
        assertEquals(Verdict.STALE, aliceAnswers(small, unanswered, "00000001"), "its first answer");
        assertEquals(Verdict.OK, aliceAnswers(small, challenge(small), "00000001"), "a fresh nonce gets in");
    }

    /** Two answers with the same count on two threads at once: one passes. */
    @Test
    void theSameCountAnsweredOnTwoThreadsAtOncePassesOnce() throws Exception {
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                Map<String, String> answer = answer(challenge(digest), "1001", "a", "00000001");
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Callable<DigestAuthenticator.Verdict> check = () -> {
                    together.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    return digest.check(answer, "REGISTER", ANY_URI, ALICE);
                };
                var first = two.submit(check);
                var second = two.submit(check);
                java.util.List<DigestAuthenticator.Verdict> verdicts = java.util.List.of(
                        first.get(10, java.util.concurrent.TimeUnit.SECONDS),
                        second.get(10, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(1, verdicts.stream().filter(DigestAuthenticator.Verdict.OK::equals).count(),
                        "round " + round + ": " + verdicts);
                assertEquals(1, verdicts.stream().filter(DigestAuthenticator.Verdict.REPLAYED::equals).count(),
                        "round " + round + ": " + verdicts);
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void aRepeatedCountOrAForgedNonceIsStillRefused() {
        String challenge = digest.challenges("hub", false, true).get(0);
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", ANY_URI, alice));
        assertEquals(DigestAuthenticator.Verdict.REPLAYED, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", ANY_URI, alice));
        String nonce = DigestAnswer.parse(challenge).get("nonce");
        String forged = challenge.replace(nonce, (nonce.charAt(0) == 'A' ? "B" : "A") + nonce.substring(1));
        assertEquals(DigestAuthenticator.Verdict.BAD_NONCE, digest.check(answer(forged, "1001", "a", "00000001"),
                "REGISTER", ANY_URI, alice));
    }

    @Test
    void aCorrectAnswerWithoutQopIsMalformedAndSoIsItsReplay() {
        String challenge = digest.challenges("hub", false, true).get(0);
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        String nonce = DigestAnswer.parse(challenge).get("nonce");
        String ha1 = DigestAnswer.hash("MD5", "1001:hub:a");
        String ha2 = DigestAnswer.hash("MD5", "REGISTER:sip:hub");
        // RFC 2069's answer: right for the password, but it binds no client nonce and no count.
        Map<String, String> withoutQop = Map.of("username", "1001", "realm", "hub", "nonce", nonce, "uri",
                "sip:hub", "response", DigestAnswer.hash("MD5", ha1 + ":" + nonce + ":" + ha2), "algorithm", "MD5");

        assertEquals(DigestAuthenticator.Verdict.MALFORMED, digest.check(withoutQop, "REGISTER", ANY_URI, alice));
        assertEquals(DigestAuthenticator.Verdict.MALFORMED, digest.check(withoutQop, "REGISTER", ANY_URI, alice),
                "replayed, it is no better");
    }

    @Test
    void anAnswerForAnotherRequestUriIsRefusedEvenWithTheRightPassword() {
        String challenge = digest.challenges("hub", false, true).get(0);
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);

        assertEquals(DigestAuthenticator.Verdict.WRONG_URI, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", uri -> uri.equals("sip:other"), alice));
        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", uri -> uri.equals("sip:hub"), alice), "the refusal used up no count");
    }

    /** The examples of RFC 7616 §3.9.1 as a client sends them, read as the registrar reads them. */
    private static final String RFC_7616_ANSWER = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
            + "uri=\"/dir/index.html\", algorithm=%s, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
            + "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, response=\"%s\", "
            + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

    /** What JAIN-SIP hands the registrar for an Authorization header line. */
    private static AuthorizationHeader parsed(String value) throws ParseException {
        return (AuthorizationHeader) new AuthorizationParser("Authorization: " + value + "\n").parse();
    }

    @Test
    void theResponsesOfRfc7616ForMd5AndSha256AreTheOnesTheRegistrarExpects() throws ParseException {
        SipCredentials mufasa = DigestAuthenticator.credentials("Mufasa", "http-auth@example.org", "Circle of Life",
                Optional.empty(), true);
        for (String[] example : new String[][] {{"MD5", "8ca523f5e9506fed4657c9700eebdbec", mufasa.ha1Md5()},
                {"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", mufasa.ha1Sha256()}}) {
            Map<String, String> sent = DigestAuthenticator.parameters(parsed(String.format(RFC_7616_ANSWER,
                    example[0], example[1])));

            assertEquals(example[1], sent.get("response"));
            assertEquals(example[1], DigestAuthenticator.response(example[0], example[2], "GET", sent.get("uri"),
                    sent.get("nonce"), sent.get("qop"), sent.get("nc"), sent.get("cnonce")), example[0]);
        }
    }

    @Test
    void escapedQuotesAndTabsInTheHeaderReadAsTheClientMeantThem() throws ParseException {
        Map<String, String> sent = DigestAuthenticator.parameters(parsed("Digest\tusername=\"we\\\"ird\",\t"
                + "realm=\"back\\\\slash\",\tnonce=\"n, with=comma\" ,uri=\"sip:hub\", response=\"r\",\tQOP=auth"));

        assertEquals("we\"ird", sent.get("username"), "the quoted-pair \\\" is a quote");
        assertEquals("back\\slash", sent.get("realm"), "the quoted-pair \\\\ is a backslash");
        assertEquals("n, with=comma", sent.get("nonce"), "a comma and an equals sign inside quotes are the value's");
        assertEquals("sip:hub", sent.get("uri"));
        assertEquals("auth", sent.get("qop"), "names in lower case");
    }

    @Test
    void aUserWithAQuoteInTheNameAuthenticates() throws ParseException {
        SipCredentials odd = DigestAuthenticator.credentials("we\"ird", "hub", "pw", Optional.empty(), true);
        String nonce = DigestAnswer.parse(digest.challenges("hub", false, true).get(0)).get("nonce");
        String ha1 = DigestAnswer.hash("MD5", "we\"ird:hub:pw");
        String response = DigestAnswer.hash("MD5", ha1 + ":" + nonce + ":00000001:c:auth:"
                + DigestAnswer.hash("MD5", "REGISTER:sip:hub"));
        AuthorizationHeader header = parsed("Digest username=\"we\\\"ird\",\trealm=\"hub\", nonce=\"" + nonce
                + "\", uri=\"sip:hub\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\"");

        assertEquals(DigestAuthenticator.Verdict.OK, digest.check(DigestAuthenticator.parameters(header), "REGISTER", ANY_URI,
                odd));
    }

    @Test
    void aHeaderOfAnotherSchemeHasNoDigestParameters() throws ParseException {
        assertNull(DigestAuthenticator.parameters(parsed("Basic realm=\"hub\"")));
        assertNull(DigestAuthenticator.parameters(null));
        assertEquals(DigestAuthenticator.Verdict.MISSING, digest.check(null, "REGISTER", ANY_URI,
                DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true)));
    }

    @Test
    void aNonceIssuedByOneNodeVerifiesOnAnotherWithTheSameKeyAndOnNoOtherNode() {
        byte[] shared = new byte[32];
        java.util.Arrays.fill(shared, (byte) 7);
        DigestAuthenticator nodeA = new DigestAuthenticator(stopped, shared);
        DigestAuthenticator nodeB = new DigestAuthenticator(stopped, shared.clone());
        SipCredentials alice = DigestAuthenticator.credentials("1001", "hub", "a", Optional.empty(), true);
        String challenge = nodeA.challenges("hub", false, true).get(0);

        assertEquals(DigestAuthenticator.Verdict.OK, nodeB.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", ANY_URI, alice));
        assertEquals(DigestAuthenticator.Verdict.BAD_NONCE, digest.check(answer(challenge, "1001", "a", "00000001"),
                "REGISTER", ANY_URI, alice), "a node of another key did not issue it");
    }

    @Test
    void aNonceKeyShorterThan32BytesIsRefused() {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new DigestAuthenticator(stopped, new byte[16]));

        assertEquals("a nonce key of 16 bytes is shorter than 32", refused.getMessage());
    }
}
