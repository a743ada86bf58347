package io.hub.phone.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestAnswerTest {

    private static final String MD5_CHALLENGE = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
            + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

    @Test
    void md5AnswerMatchesTheRfc2617Example() {
        DigestAnswer.Challenge challenge = DigestAnswer.choose(List.of(MD5_CHALLENGE), DigestAnswer.Preference.MD5)
                .orElseThrow();
        String header = DigestAnswer.authorization(challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", 1,
                "0a4f113b");
        Map<String, String> sent = DigestAnswer.parse(header);
        assertEquals("6629fae49393a05397450978507c4ef1", sent.get("response"));
        assertEquals("00000001", sent.get("nc"));
        assertEquals("5ccc069c403ebaf9f0171e9517f40e41", sent.get("opaque"), "opaque is sent back");
    }

    @Test
    void md5AnswerMatchesTheRfc7616Example() {
        String challenge = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        DigestAnswer.Challenge chosen = DigestAnswer.choose(List.of(challenge), DigestAnswer.Preference.STRONGEST)
                .orElseThrow();
        String header = DigestAnswer.authorization(chosen, "GET", "/dir/index.html", "Mufasa", "Circle of Life", 1,
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", DigestAnswer.parse(header).get("response"));
    }

    @Test
    void sha256AnswerMatchesTheRfc7616Example() {
        String challenge = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        DigestAnswer.Challenge chosen = DigestAnswer.choose(List.of(MD5_CHALLENGE, challenge),
                DigestAnswer.Preference.STRONGEST).orElseThrow();
        assertEquals("SHA-256", chosen.algorithm(), "the strongest offered wins");
        String header = DigestAnswer.authorization(chosen, "GET", "/dir/index.html", "Mufasa", "Circle of Life", 1,
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                DigestAnswer.parse(header).get("response"));
        assertTrue(header.contains("algorithm=SHA-256"));
    }

    @Test
    void withoutQopTheResponseLeavesOutCountAndClientNonce() {
        DigestAnswer.Challenge challenge = DigestAnswer.choose(List.of("Digest realm=\"r\", nonce=\"n\""),
                DigestAnswer.Preference.STRONGEST).orElseThrow();
        String header = DigestAnswer.authorization(challenge, "REGISTER", "sip:hub", "1001", "pw", 1, "c");
        String ha1 = DigestAnswer.hash("MD5", "1001:r:pw");
        String ha2 = DigestAnswer.hash("MD5", "REGISTER:sip:hub");
        assertEquals(DigestAnswer.hash("MD5", ha1 + ":n:" + ha2), DigestAnswer.parse(header).get("response"));
        assertTrue(!header.contains("nc="), header);
    }

    @Test
    void aPreferenceTheRegistrarCannotMeetChoosesNothing() {
        assertTrue(DigestAnswer.choose(List.of(MD5_CHALLENGE), DigestAnswer.Preference.SHA256).isEmpty());
        assertTrue(DigestAnswer.choose(List.of("Basic realm=\"x\""), DigestAnswer.Preference.STRONGEST).isEmpty());
        assertTrue(DigestAnswer.choose(List.of("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"),
                DigestAnswer.Preference.STRONGEST).isEmpty(), "an algorithm the phone does not know");
    }

    @Test
    void parsingKeepsEscapesAndRefusesAnUnterminatedQuote() {
        assertEquals("a\"b", DigestAnswer.parse("Digest realm=\"a\\\"b\", nonce=x").get("realm"));
        assertEquals("x", DigestAnswer.parse("digest nonce=x").get("nonce"), "the scheme is case-insensitive");
        assertNull(DigestAnswer.parse("Digest realm=\"never ends"));
        assertNull(DigestAnswer.parse(null));
        assertNull(DigestAnswer.parse("Basic abc"));
    }
}
