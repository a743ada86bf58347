package io.hub.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MacAddress;
import io.hub.sip.registrar.SipCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class AccountCredentialsTest {

    private final Map<String, SipAccount> store = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AccountCredentials credentials = new AccountCredentials(new SipAccounts() {
        @Override
        public Optional<SipAccount> account(String user, String domain) {
            return Optional.ofNullable(store.get(user + "@" + domain));
        }

        @Override
        public Optional<String> canonicalDomain(String host) {
            return Optional.of(host);
        }
    }, metrics);

    @Test
    void hashesAnAccountOnceWhileItIsUnchanged() throws Exception {
        store.put("1001@hub.example", account("first secret", true));
        SipCredentials first = credentials.lookup("1001", "hub.example").orElseThrow();
        assertEquals(md5Hex("1001:hub.example:first secret"), first.ha1Md5());
        assertSame(first, credentials.lookup("1001", "hub.example").orElseThrow());
        assertEquals(1, credentials.kept());
        assertEquals(1.0, metrics.get("hub.sip.credentials.kept").gauge().value());
    }

    @Test
    void aChangedPasswordOrStateIsHashedAgainNeverAnsweredFromTheOldOne() throws Exception {
        store.put("1001@hub.example", account("first secret", true));
        SipCredentials before = credentials.lookup("1001", "hub.example").orElseThrow();
        store.put("1001@hub.example", account("rotated secret", true));
        SipCredentials rotated = credentials.lookup("1001", "hub.example").orElseThrow();
        assertEquals(md5Hex("1001:hub.example:rotated secret"), rotated.ha1Md5());
        assertNotEquals(before.ha1Sha256(), rotated.ha1Sha256());
        store.put("1001@hub.example", account("rotated secret", false));
        assertFalse(credentials.lookup("1001", "hub.example").orElseThrow().enabled());
    }

    @Test
    void unknownUsersAreNotKept() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(credentials.lookup("9" + i, "hub.example").isEmpty());
        }
        assertEquals(0, credentials.kept());
        assertNotNull(metrics.find("hub.sip.credentials.kept").gauge());
    }

    private static SipAccount account(String password, boolean enabled) {
        return new SipAccount("1001", "hub.example", password, Optional.of(MacAddress.parse("00:80:9f:aa:bb:cc")),
                enabled, Optional.empty(), false);
    }

    private static String md5Hex(String text) throws Exception {
        byte[] hash = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, hash));
    }
}
