package io.hub.provisioning.http;

import io.hub.provisioning.Refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.RefusalCause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The refusal codes are a contract with phones, scripts and the console: this table pins every
 * constant's status and code, and a constant added without its row fails here.
 */
class RefusalTest {

    /** Constant, status, code: what clients see. */
    private static final String TABLE = """
            NO_CERTIFICATE 403 no-certificate
            UNKNOWN_ISSUER 403 unknown-issuer
            BAD_SIGNATURE 403 bad-signature
            WEAK_SIGNATURE 403 weak-signature
            INVALID_CHAIN 403 invalid-chain
            EXPIRED 403 expired
            NOT_YET_VALID 403 not-yet-valid
            REVOKED 403 revoked
            CRL_EXPIRED 403 crl-expired
            WEAK_KEY 403 weak-key
            MISSING_CLIENT_AUTH 403 missing-client-auth
            NO_MAC 403 no-mac
            MAC_MISMATCH 403 mac-mismatch
            NOT_ENROLLED 404 not-enrolled
            DISABLED 403 disabled
            WRONG_MODEL 403 wrong-model
            CERTIFICATE_PENDING 403 certificate-pending
            CERTIFICATE_MISMATCH 403 certificate-mismatch
            NOT_ASSIGNED 409 not-assigned
            UNKNOWN_FIRMWARE 404 unknown-firmware
            INVALID_STATUS 400 invalid-status
            NO_TOKEN 401 no-token
            BAD_TOKEN 401 bad-token
            OPERATOR_ONLY 403 operator-only
            NO_SUCH_RESOURCE 404 no-such-resource
            METHOD_NOT_ALLOWED 405 method-not-allowed
            BROKEN_REQUEST 400 broken-request
            TOO_LARGE 413 too-large
            UNSUPPORTED_MEDIA_TYPE 415 unsupported-media-type
            MALFORMED_MAC 400 malformed-mac
            INVALID_JSON 400 invalid-json
            INVALID_QUERY 400 invalid-query
            INVALID_FILTER 400 invalid-filter
            INVALID_PAGE 400 invalid-page
            INVALID_DEVICE 400 invalid-device
            INVALID_FINGERPRINT 400 invalid-fingerprint
            INVALID_SETTING 400 invalid-setting
            INVALID_CSV 400 invalid-csv
            NOT_UTF8 400 not-utf8
            INVALID_TENANT 400 invalid-tenant
            INVALID_DOMAIN 400 invalid-domain
            OPERATOR_TOKEN 400 operator-token
            UNKNOWN_MODEL 400 unknown-model
            INVALID_VERSION 400 invalid-version
            EMPTY_UPLOAD 400 empty-upload
            TRUNCATED_UPLOAD 400 truncated-upload
            NOT_FOUND 404 not-found
            NO_SUCH_SITE 404 no-such-site
            NO_SUCH_TENANT 404 no-such-tenant
            NO_SUCH_RESYNC 404 no-such-resync
            ALREADY_ENROLLED 409 already-enrolled
            MAC_UNAVAILABLE 409 mac-unavailable
            CERTIFICATE_IN_USE 409 certificate-in-use
            EXTENSION_IN_USE 409 extension-in-use
            FIRMWARE_EXISTS 409 firmware-exists
            FIRMWARE_IN_USE 409 firmware-in-use
            FIRMWARE_QUOTA 507 firmware-quota
            TENANT_EXISTS 409 tenant-exists
            DOMAIN_TAKEN 409 domain-taken
            BACKUP_REFUSED 409 backup-refused
            RESYNC_DISABLED 409 disabled
            NO_FLOW 409 no-flow
            RATE_LIMITED 429 rate-limited
            STORAGE_UNAVAILABLE 503 storage-unavailable
            FIRMWARE_UNAVAILABLE 503 firmware-unavailable
            INTERNAL_ERROR 500 internal-error
            """;

    @Test
    void everyConstantHasItsStatusCodeAndMetricLabelFromTheTable() {
        Map<Refusal, String[]> rows = new EnumMap<>(Refusal.class);
        TABLE.lines().map(line -> line.split(" ")).forEach(row -> rows.put(Refusal.valueOf(row[0]), row));
        for (Refusal refusal : Refusal.values()) {
            String[] row = rows.get(refusal);
            assertTrue(row != null, refusal + " has no row in the table: a new cause needs its status and code here");
            assertEquals(Integer.parseInt(row[1]), refusal.status(), refusal.name());
            assertEquals(row[2], refusal.code(), refusal.name());
            assertEquals(refusal.code(), refusal.metricLabel(), "the counters' outcome is the reason code");
        }
    }

    @Test
    void aCodeNamesOneStatusExceptADisabledPhoneAndADisabledPhonesResync() {
        Map<String, Refusal> byCode = new HashMap<>();
        for (Refusal refusal : Refusal.values()) {
            assertTrue(refusal.code().matches("[a-z0-9]+(-[a-z0-9]+)*"), refusal.code());
            Refusal earlier = byCode.putIfAbsent(refusal.code(), refusal);
            if (earlier != null) {
                assertEquals(List.of(Refusal.DISABLED, Refusal.RESYNC_DISABLED), List.of(earlier, refusal),
                        "code " + refusal.code() + " is used twice");
            }
        }
    }

    @Test
    void everyPkiCauseIsA403WithThePkisOwnCode() {
        for (RefusalCause cause : RefusalCause.values()) {
            Refusal refusal = Refusal.of(cause);
            assertEquals(403, refusal.status(), cause.name());
            assertEquals(cause.code(), refusal.code(), "the same word over HTTPS, SIP and in the audit log");
            assertEquals(cause.name(), refusal.name());
        }
    }

    @Test
    void onlyTheTemporaryCausesAskForARetryAndOnlyTheHubsOwnFailuresAndFloodsGoUnaudited() {
        for (Refusal refusal : Refusal.values()) {
            assertEquals(refusal == Refusal.STORAGE_UNAVAILABLE, refusal.retryAfter().isPresent(), refusal.name());
            boolean unaudited = refusal == Refusal.RATE_LIMITED || refusal == Refusal.STORAGE_UNAVAILABLE
                    || refusal == Refusal.INTERNAL_ERROR || refusal == Refusal.NO_SUCH_RESOURCE
                    || refusal == Refusal.METHOD_NOT_ALLOWED || refusal == Refusal.BROKEN_REQUEST;
            assertEquals(!unaudited, refusal.audited(), refusal.name());
        }
        assertEquals(Optional.of(Duration.ofSeconds(5)), Refusal.STORAGE_UNAVAILABLE.retryAfter());
    }

    /**
     * The mapping is one place: only {@link RefusalReplies} writes {@code X-Hub-Reason} or a refusal's
     * audit row on the HTTP side, and no service sets a status of its own (the exception takes a cause).
     */
    @Test
    void onlyRefusalRepliesWritesTheReasonHeaderOrAuditsAnHttpRefusal() throws IOException {
        Path sources = Path.of("src/main/java/io/hub/provisioning");
        assertTrue(Files.isDirectory(sources), "run from the provisioning module: " + sources.toAbsolutePath());
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                String name = sources.relativize(file).toString().replace('\\', '/');
                boolean mapping = name.equals("http/RefusalReplies.java");
                assertEquals(mapping, text.contains("\"X-Hub-Reason\""), name);
                boolean http = name.startsWith("http/") || name.startsWith("deviceapi/") || name.startsWith("admin/");
                if (http) {
                    assertEquals(mapping, text.contains("AuditEvent.REFUSED"), name);
                }
                assertFalse(text.matches("(?s).*new ProvisioningException\\(\\s*\\d.*"), name + " picks a status");
            }
        }
    }
}
