package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.parser.AuthorizationParser;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sip.header.AuthorizationHeader;

/**
 * An Authorization header as a phone (or anyone) may send it: parsed by JAIN-SIP as the registrar
 * receives it, read into digest parameters, then checked against an account.
 */
class DigestAuthenticatorFuzzTest {

    private static final SipCredentials ACCOUNT = DigestAuthenticator.credentials("1001", "hub.example.test",
            "s3cret", Optional.empty(), true);

    @FuzzTest(maxDuration = "10m")
    void anyHeaderParsesToParametersThatReadBackAndIsJudgedWithAVerdict(FuzzedDataProvider data) {
        String method = data.consumeString(12);
        String header = data.consumeRemainingAsString();

        Map<String, String> parameters = DigestAuthenticator.parameters(parsed(header));

        if (parameters == null) {
            return;
        }
        parameters.keySet().forEach(name -> assertEquals(name.toLowerCase(Locale.ROOT), name));
        boolean quotable = !parameters.isEmpty() && parameters.entrySet().stream()
                .allMatch(e -> e.getKey().matches("[a-z0-9.!%*_+`'~-]+") && e.getValue().matches("[ -~]*"));
        if (quotable) {
            String again = "Digest " + parameters.entrySet().stream()
                    .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                    .collect(Collectors.joining(", "));
            AuthorizationHeader reparsed = parsed(again);
            assertNotNull(reparsed, "what was read quotes back into a header that parses: " + again);
            assertEquals(parameters, DigestAuthenticator.parameters(reparsed), "the parameters read back as written");
        }
        DigestAuthenticator authenticator = new DigestAuthenticator(Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"),
                ZoneOffset.UTC));
        DigestAuthenticator.Verdict verdict = authenticator.check(parameters, method, uri -> true, ACCOUNT);
        assertNotNull(verdict);
        assertTrue(verdict != DigestAuthenticator.Verdict.OK, "no header made without the nonce's key authenticates");
    }

    /** The header as JAIN-SIP parses it for the registrar, or null when it does not parse (the request then has none). */
    private static AuthorizationHeader parsed(String value) {
        try {
            return (AuthorizationHeader) new AuthorizationParser("Authorization: " + value + "\n").parse();
        } catch (ParseException e) {
            return null;
        }
    }
}
