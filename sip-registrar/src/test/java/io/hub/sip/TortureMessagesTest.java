package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 4475 torture messages over TLS, one connection each: valid ones are answered, invalid
 * ones are answered 400 or dropped (never accepted), and after every one the hub still answers a
 * REGISTER on a new connection.
 */
class TortureMessagesTest {

    private static final Path MESSAGES = Path.of("src/test/resources/rfc4475").toAbsolutePath();

    @TempDir
    static Path home;

    private static HubPki pki;
    private static SipService sip;
    private static X509Certificate ca;

    @BeforeAll
    static void start() throws Exception {
        pki = HubPki.at(home.resolve("pki"), Clock.systemUTC());
        pki.init(KeyType.EC_P256, List.of("localhost"));
        ca = PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE));
        sip = TestSip.with(pki, home).credentials(TestSip.everyUser("pw")).start();
    }

    @AfterAll
    static void stop() {
        sip.close();
    }

    @TestFactory
    Stream<DynamicTest> everyTortureMessage() throws IOException {
        assertTrue(Files.isRegularFile(MESSAGES.resolve("INDEX.tsv")), "the RFC 4475 messages are in " + MESSAGES);
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(MESSAGES.resolve("INDEX.tsv"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] columns = line.split("\t");
            String file = columns[0];
            String kind = columns[3];
            tests.add(DynamicTest.dynamicTest(columns[1] + " " + file + " (" + kind + ")", () -> torture(file, kind)));
        }
        return tests.stream();
    }

    private void torture(String file, String kind) throws Exception {
        byte[] message = Files.readAllBytes(MESSAGES.resolve(file));
        SIPMessage answer = null;
        try (SipTestClient phone = SipTestClient.tls(sip.tlsPort(), ca, null, null)) {
            phone.socket.setSoTimeout(2_000);
            phone.write(new String(message, java.nio.charset.StandardCharsets.ISO_8859_1));
            answer = phone.readMessage();
        } catch (IOException noAnswer) {
            // Dropped, or the connection closed: both are how a stream transport refuses.
        }
        boolean request = !new String(message, 0, Math.min(message.length, 8),
                java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("SIP/2.0");
        if ("valid".equals(kind) && request) {
            assertTrue(answer instanceof SIPResponse, file + " is valid and must be answered");
        }
        if ("invalid".equals(kind) && answer instanceof SIPResponse response) {
            assertTrue(response.getStatusCode() >= 400, file + " is invalid but was answered "
                    + response.getStatusCode());
        }
        try (SipTestClient next = SipTestClient.tls(sip.tlsPort(), ca, null, null)) {
            assertEquals(401, next.send(next.register("1001", "<sip:1001@h>")).getStatusCode(),
                    "the hub still serves after " + file);
        }
    }
}
