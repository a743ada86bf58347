package io.hub.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** An Authorization header as a phone (or anyone) may send it: parsed, then checked against an account. */
class DigestAuthenticatorFuzzTest {

    private static final SipCredentials ACCOUNT = DigestAuthenticator.credentials("1001", "hub.example.test",
            "s3cret", Optional.empty(), true);

    @FuzzTest(maxDuration = "10m")
    void anyHeaderParsesToParametersThatReadBackAndIsJudgedWithAVerdict(FuzzedDataProvider data) {
        String method = data.consumeString(12);
        String header = data.consumeRemainingAsString();

        Map<String, String> parameters = DigestAuthenticator.parse(header);

        if (parameters == null) {
            return;
        }
        parameters.keySet().forEach(name -> assertEquals(name.strip().toLowerCase(Locale.ROOT), name));
        boolean quotable = parameters.entrySet().stream().allMatch(e -> !e.getValue().contains("\"")
                && !e.getKey().contains("=") && !e.getKey().contains(",") && !e.getKey().isEmpty());
        if (quotable) {
            String again = "Digest " + parameters.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                    .collect(Collectors.joining(", "));
            assertEquals(parameters, DigestAuthenticator.parse(again), "the parameters read back as written");
        }
        DigestAuthenticator authenticator = new DigestAuthenticator(Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"),
                ZoneOffset.UTC));
        DigestAuthenticator.Verdict verdict = authenticator.check(parameters, method, ACCOUNT);
        assertNotNull(verdict);
        assertTrue(verdict != DigestAuthenticator.Verdict.OK, "no header made without the nonce's key authenticates");
    }
}
