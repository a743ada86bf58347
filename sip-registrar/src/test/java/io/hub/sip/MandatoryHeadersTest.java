package io.hub.sip;

import static io.hub.sip.SipReplies.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.PemFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every method, each mandatory header left out in turn: answered 400 naming the header, nothing
 * stored, and the connection still served. A request without Via cannot be answered and is dropped.
 */
class MandatoryHeadersTest {

    private static final List<String> HEADERS = List.of("From", "To", "Call-ID", "CSeq");
    private static final List<String> METHODS = List.of("REGISTER", "OPTIONS", "INVITE", "BYE", "INFO");

    @TempDir
    static Path home;

    private static HubPki pki;
    private static SipService sip;
    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        sip = TestSip.with(pki, home).credentials((user, domain) -> "1001".equals(user)
                ? TestSip.everyUser("pw").lookup(user, domain) : Optional.empty()).metrics(METRICS).start();
    }

    @AfterAll
    static void stop() {
        sip.close();
    }

    @TestFactory
    Stream<DynamicTest> aMissingHeaderIsAnswered400NamingIt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String method : METHODS) {
            for (String header : HEADERS) {
                tests.add(DynamicTest.dynamicTest(method + " without " + header, () -> missing(method, header)));
            }
        }
        return tests.stream();
    }

    private void missing(String method, String header) throws Exception {
        try (SipTestClient phone = client()) {
            String request = method.equals("REGISTER") ? authorizedRegister(phone) : request(method);

            SIPResponse answer = phone.send(without(request, header));

            assertEquals(400, answer.getStatusCode(), answer.encode());
            assertEquals("Missing " + header + " Header", answer.getReasonPhrase());
            assertEquals(List.of("399 hub \"missing-header: " + header + "\""), values(answer, "Warning"));
            assertEquals(List.of(), sip.location().all(), "nothing is stored");
            assertEquals(200, phone.send(request("OPTIONS")).getStatusCode(), "the connection is still served");
        }
    }

    @Test
    void aRequestWithoutViaIsDroppedAndCounted() throws Exception {
        double before = malformed();
        try (SipTestClient phone = client()) {
            for (String method : METHODS) {
                phone.write(without(request(method), "Via"));
            }
            String next = request("OPTIONS").replace("Call-ID: c-OPTIONS", "Call-ID: after-the-dropped");

            SIPResponse answer = phone.send(next);

            assertEquals("after-the-dropped", answer.getCallId().getCallId(),
                    "the first answer is to the next request");
            assertEquals(200, answer.getStatusCode());
        }
        assertEquals(before + METHODS.size(), malformed());
    }

    @Test
    void maxForwardsIsOptional() throws Exception {
        try (SipTestClient phone = client()) {
            assertEquals(200, phone.send(without(request("OPTIONS"), "Max-Forwards")).getStatusCode());
        }
    }

    /** A REGISTER for 1001 that would be accepted: the challenge answered with the right password. */
    private static String authorizedRegister(SipTestClient phone) throws Exception {
        SIPResponse challenge = phone.send(phone.register("1001", "<sip:1001@10.0.0.5>"));
        assertEquals(401, challenge.getStatusCode());
        return phone.register("1001", "<sip:1001@10.0.0.5>",
                SipTestClient.authorization(challenge, "1001", "pw", "MD5", 1));
    }

    private static String request(String method) {
        return method + " sip:1001@hub.test SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 10.0.0.5;branch=z9hG4bK-" + method + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1001@hub.test>;tag=1\r\n"
                + "To: <sip:1002@hub.test>" + (method.equals("BYE") || method.equals("INFO") ? ";tag=2" : "") + "\r\n"
                + "Call-ID: c-" + method + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + (method.equals("INVITE") ? "Contact: <sip:1001@10.0.0.5;transport=tls>\r\n" : "")
                + "Content-Length: 0\r\n\r\n";
    }

    private static String without(String message, String header) {
        String[] lines = message.split("\r\n", -1);
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].regionMatches(true, 0, header + ":", 0, header.length() + 1)) {
                kept.append(lines[i]).append(i < lines.length - 1 ? "\r\n" : "");
            }
        }
        assertTrue(kept.length() < message.length(), header + " was in the message");
        return kept.toString();
    }

    private static double malformed() {
        return METRICS.counter("hub.sip.refused", "reason", "malformed").count();
    }

    private static SipTestClient client() throws Exception {
        return SipTestClient.tls(sip.tlsPort(), PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE)), null,
                null);
    }
}
