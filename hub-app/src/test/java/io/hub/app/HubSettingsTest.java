package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreThoseOfTheSpec() {
        HubSettings settings = HubSettings.load(dir.resolve("absent.yaml"), false).validate();

        assertEquals("0.0.0.0", settings.bind);
        assertEquals(8443, settings.httpsPort);
        assertEquals("127.0.0.1", settings.adminBind);
        assertEquals(9443, settings.adminPort);
        assertEquals(5061, settings.sipTlsPort);
        assertNull(settings.sipPlainPort);
        assertArrayEquals(new int[] {30000, 44999}, settings.relayPortRange());
    }

    @Test
    void aFileOverridesTheDefaults() throws IOException {
        Path file = Files.writeString(dir.resolve("hub.yaml"), """
                httpsPort: 443
                sipPlainPort: 5060
                serverNames: [hub.example.test, 192.0.2.10]
                relayPorts: 40000-40999
                """);

        HubSettings settings = HubSettings.load(file, true).validate();

        assertEquals(443, settings.httpsPort);
        assertEquals(5060, settings.sipPlainPort);
        assertArrayEquals(new int[] {40000, 40999}, settings.relayPortRange());
        List<String> names = settings.certificateNames();
        assertEquals(List.of("localhost", "127.0.0.1", "::1"), names.subList(0, 3));
        assertTrue(names.containsAll(List.of("hub.example.test", "192.0.2.10")), names.toString());
    }

    @Test
    void aPostgresUrlAndPoolSizesAreTakenFromTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("hub.yaml"), """
                databaseUrl: jdbc:postgresql://db.example.test:5432/hub?user=hub&password=s3cret
                databasePoolSize: 20
                databasePoolMinIdle: 4
                """);

        HubSettings settings = HubSettings.load(file, true).validate();

        assertEquals("jdbc:postgresql://db.example.test:5432/hub?user=hub&password=s3cret", settings.databaseUrl);
        assertEquals(new io.hub.app.storage.HubDatabase.PoolSize(20, 4), settings.databasePool());
        assertEquals(new io.hub.app.storage.HubDatabase.PoolSize(8, 8), new HubSettings().databasePool(),
                "a fixed pool of 8 by default");
    }

    @Test
    void aDatabaseUrlOfAnotherKindOrABadPoolSizeIsRefusedWithoutShowingThePassword() {
        HubSettings mysql = new HubSettings();
        mysql.databaseUrl = "jdbc:mysql://db/hub?user=hub&password=s3cret";
        HubSettings emptyPool = new HubSettings();
        emptyPool.databasePoolSize = 0;
        HubSettings idleAbovePool = new HubSettings();
        idleAbovePool.databasePoolMinIdle = 9;

        UserError kind = assertThrows(UserError.class, mysql::validate);
        assertTrue(kind.getMessage().startsWith("databaseUrl 'jdbc:mysql://db/hub?user=hub&password=***' is not "
                + "jdbc:postgresql://"), kind.getMessage());
        assertEquals("databasePoolSize and databasePoolMinIdle: the pool size 0 is not from 1 to 1000",
                assertThrows(UserError.class, emptyPool::validate).getMessage());
        assertEquals("databasePoolSize and databasePoolMinIdle: the idle minimum 9 is not from 0 to the pool size 8",
                assertThrows(UserError.class, idleAbovePool::validate).getMessage());
    }

    @Test
    void turnServersComeWithTheirSecretAndAsTurnUris() {
        HubSettings noSecret = new HubSettings();
        noSecret.turnUris = List.of("turn:turn.example:3478?transport=udp");
        HubSettings stun = new HubSettings();
        stun.turnUris = List.of("stun:turn.example:3478");
        stun.turnSecret = "s3cret";
        HubSettings both = new HubSettings();
        both.turnUris = List.of("turn:turn.example:3478?transport=tcp");
        both.turnSecret = "s3cret";

        assertEquals("turnUris and turnSecret go together: the hub issues credentials for those servers with that "
                + "secret (coturn's static-auth-secret)", assertThrows(UserError.class, noSecret::validate).getMessage());
        assertEquals("turnUris: 'stun:turn.example:3478' is not a turn: or turns: URI",
                assertThrows(UserError.class, stun::validate).getMessage());
        assertTrue(both.validate().turn(java.time.Clock.systemUTC()).isPresent());
        assertTrue(new HubSettings().validate().turn(java.time.Clock.systemUTC()).isEmpty());
    }

    @Test
    void aMisspeltSettingIsRefusedWithItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("hub.yaml"), "httpsPort: 443\nhttpPort: 80\n");

        UserError e = assertThrows(UserError.class, () -> HubSettings.load(file, true));

        assertTrue(e.getMessage().startsWith(file + ": unknown setting 'httpPort' at line 2; known: "), e.getMessage());
    }

    @Test
    void anIllTypedSettingIsRefusedWithItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("hub.yaml"), "sipTlsPort: five\n");

        UserError e = assertThrows(UserError.class, () -> HubSettings.load(file, true));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" at line 1"), e.getMessage());
    }

    @Test
    void aNamedFileMustExist() {
        UserError e = assertThrows(UserError.class, () -> HubSettings.load(dir.resolve("nope.yaml"), true));

        assertEquals("configuration file " + dir.resolve("nope.yaml") + " does not exist", e.getMessage());
    }

    @Test
    void badPortsAndRangesAreRefused() {
        HubSettings port = new HubSettings();
        port.httpsPort = 70000;
        assertEquals("httpsPort 70000 is not a port (0-65535; 0 picks a free one)",
                assertThrows(UserError.class, port::validate).getMessage());
        for (String range : List.of("30001-44999", "44999-30000", "80-1000", "30000", "a-b", "30000-70000")) {
            HubSettings relay = new HubSettings();
            relay.relayPorts = range;
            assertEquals("relayPorts '" + range + "' is not a range MIN-MAX with an even MIN, "
                    + "1024 <= MIN < MAX <= 65535", assertThrows(UserError.class, relay::validate).getMessage());
        }
    }

    @Test
    void theRelayModeAndMediaTimeoutAreChecked() {
        HubSettings settings = new HubSettings();
        assertEquals(io.hub.relay.RelayMode.TERMINATION, settings.validate().relayModeParsed());
        settings.relayMode = "Passthrough";
        assertEquals(io.hub.relay.RelayMode.PASSTHROUGH, settings.validate().relayModeParsed());
        settings.relayMode = "transcode";
        assertEquals("relayMode 'transcode' is not termination or passthrough",
                assertThrows(UserError.class, settings::validate).getMessage());
        settings.relayMode = "termination";
        settings.deviceDefaults.put("sip.keepalive.interval", "90");
        assertEquals("deviceDefaults: sip.keepalive.interval is the registrar's Flow-Timer; set sipKeepaliveSeconds "
                + "instead", assertThrows(UserError.class, settings::validate).getMessage());
        settings.deviceDefaults.clear();
        settings.mediaTimeoutSeconds = 1;
        assertEquals("mediaTimeoutSeconds 1 is not from 5 to 3600",
                assertThrows(UserError.class, settings::validate).getMessage());
        settings.mediaTimeoutSeconds = 60;
        settings.relayIoThreads = -1;
        assertEquals("relayIoThreads: relay I/O threads must be from 0 (one per core) to 64, not -1",
                assertThrows(UserError.class, settings::validate).getMessage());
    }

    @Test
    void theWebPortLimitsAreReadAndChecked() throws IOException {
        HubSettings defaults = new HubSettings().validate();
        assertEquals(new io.hub.sip.WebPortLimits(100, 10_000, java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(60)), defaults.webLimits());
        Path file = Files.writeString(dir.resolve("hub.yaml"), "webConnectionsPerSource: 8\nwebMaxConnections: 80\n"
                + "webHandshakeTimeoutSeconds: 5\nwebRegisterDeadlineSeconds: 30\n");
        assertEquals(new io.hub.sip.WebPortLimits(8, 80, java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(30)), HubSettings.load(file, true).validate().webLimits());

        HubSettings cap = new HubSettings();
        cap.webConnectionsPerSource = 0;
        assertEquals("webConnectionsPerSource and webMaxConnections: connections per source (0) must be at least 1 "
                + "and at most the total (10000)", assertThrows(UserError.class, cap::validate).getMessage());
        HubSettings deadline = new HubSettings();
        deadline.webRegisterDeadlineSeconds = 5;
        assertEquals("webRegisterDeadlineSeconds 5 is not from webHandshakeTimeoutSeconds to 3600",
                assertThrows(UserError.class, deadline::validate).getMessage());
    }

    @Test
    void theHttpsPortLimitsAreReadAndChecked() throws IOException {
        assertEquals(io.hub.provisioning.HttpLimits.standard(), new HubSettings().validate().httpLimits());
        assertEquals(0, io.hub.provisioning.HttpLimits.standard().handshakesInFlight(), "no handshake cap by default");
        Path file = Files.writeString(dir.resolve("hub.yaml"), "httpHeaderTimeoutSeconds: 5\nhttpIdleTimeoutSeconds: 20\n"
                + "httpConnectionsPerSource: 8\nhttpMaxConnections: 800\nhttpHandshakesInFlight: 200\n");
        assertEquals(new io.hub.provisioning.HttpLimits(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(20),
                8, 800, 200), HubSettings.load(file, true).validate().httpLimits());

        HubSettings cap = new HubSettings();
        cap.httpHandshakesInFlight = -1;
        assertEquals("httpConnectionsPerSource, httpMaxConnections and httpHandshakesInFlight: handshakes in flight "
                + "must be 0 (no cap) or more, not -1", assertThrows(UserError.class, cap::validate).getMessage());
    }

    @Test
    void theSipSourceLimitsAndRetentionsAreReadAndChecked() throws IOException {
        HubSettings defaults = new HubSettings().validate();
        assertEquals(50, defaults.sipUnregisteredPerSource);
        assertEquals(60, defaults.sipRegisterDeadlineSeconds);
        assertEquals(90, defaults.auditRetentionDays);
        assertEquals(30, defaults.statusRetentionDays);
        Path file = Files.writeString(dir.resolve("hub.yaml"), "sipUnregisteredPerSource: 20\n"
                + "sipRegisterDeadlineSeconds: 30\nauditRetentionDays: 365\nstatusRetentionDays: 7\n");
        HubSettings read = HubSettings.load(file, true).validate();
        assertEquals(20, read.sipUnregisteredPerSource);
        assertEquals(30, read.sipRegisterDeadlineSeconds);
        assertEquals(365, read.auditRetentionDays);
        assertEquals(7, read.statusRetentionDays);

        HubSettings cap = new HubSettings();
        cap.sipUnregisteredPerSource = 0;
        assertEquals("sipUnregisteredPerSource must be at least 1, not 0",
                assertThrows(UserError.class, cap::validate).getMessage());
        HubSettings deadline = new HubSettings();
        deadline.sipRegisterDeadlineSeconds = 2;
        assertEquals("sipRegisterDeadlineSeconds 2 is not from 5 to 3600",
                assertThrows(UserError.class, deadline::validate).getMessage());
        HubSettings audit = new HubSettings();
        audit.auditRetentionDays = 0;
        assertEquals("auditRetentionDays 0 is not from 1 to 36500",
                assertThrows(UserError.class, audit::validate).getMessage());
        HubSettings status = new HubSettings();
        status.statusRetentionDays = -3;
        assertEquals("statusRetentionDays -3 is not from 1 to 36500",
                assertThrows(UserError.class, status::validate).getMessage());
    }

    @Test
    void thePerCredentialAndFirmwareLimitsAreReadAndChecked() throws IOException {
        HubSettings defaults = new HubSettings().validate();
        assertEquals(5, defaults.sipRegistersPerAorPerSecond);
        assertEquals(200, defaults.sipFlowRequestsPer2Seconds);
        assertEquals(512L * 1024 * 1024, defaults.firmwareMaxBytes);
        assertEquals(4L * 1024 * 1024 * 1024, defaults.firmwareQuotaBytes);
        Path file = Files.writeString(dir.resolve("hub.yaml"), "sipRegistersPerAorPerSecond: 2\n"
                + "sipFlowRequestsPer2Seconds: 50\nfirmwareMaxBytes: 1000000\nfirmwareQuotaBytes: 10000000000\n");
        HubSettings read = HubSettings.load(file, true).validate();
        assertEquals(2, read.sipRegistersPerAorPerSecond);
        assertEquals(50, read.sipFlowRequestsPer2Seconds);
        assertEquals(1_000_000, read.firmwareMaxBytes);
        assertEquals(10_000_000_000L, read.firmwareQuotaBytes);

        HubSettings rate = new HubSettings();
        rate.sipRegistersPerAorPerSecond = 0;
        assertEquals("sipRegistersPerAorPerSecond 0 is not from 1 to 1000",
                assertThrows(UserError.class, rate::validate).getMessage());
        HubSettings flow = new HubSettings();
        flow.sipFlowRequestsPer2Seconds = 5;
        assertEquals("sipFlowRequestsPer2Seconds 5 is not from 10 to 100000",
                assertThrows(UserError.class, flow::validate).getMessage());
        HubSettings firmware = new HubSettings();
        firmware.firmwareQuotaBytes = 1_000;
        assertEquals("firmwareMaxBytes must be at least 1 and firmwareQuotaBytes at least firmwareMaxBytes, not "
                + "536870912 and 1000", assertThrows(UserError.class, firmware::validate).getMessage());
    }

    @Test
    void sipMaxConnectionsIsReadAndChecked() throws IOException {
        assertEquals(60_000, new HubSettings().validate().sipMaxConnections);
        Path file = Files.writeString(dir.resolve("hub.yaml"), "sipMaxConnections: 120000\n");
        assertEquals(120_000, HubSettings.load(file, true).validate().sipMaxConnections);

        HubSettings few = new HubSettings();
        few.sipMaxConnections = 10;
        assertEquals("sipMaxConnections 10 is not from 100 to 1000000",
                assertThrows(UserError.class, few::validate).getMessage());
    }

    @Test
    void theTlsProviderIsReadAndChecked() throws IOException {
        assertEquals("tcnative", new HubSettings().validate().tlsProvider);
        Path file = Files.writeString(dir.resolve("hub.yaml"), "tlsProvider: jdk\n");
        assertEquals("jdk", HubSettings.load(file, true).validate().tlsProvider);

        HubSettings other = new HubSettings();
        other.tlsProvider = "openssl";
        assertEquals("tlsProvider: TLS provider 'openssl' is none of jdk, conscrypt and tcnative",
                assertThrows(UserError.class, other::validate).getMessage());
    }

    /** SIP's own, netty-tcnative's unless told (Conscrypt would hold three descriptors per phone). */
    @Test
    void theSipTlsProviderIsReadApartAndChecked() throws IOException {
        HubSettings standard = new HubSettings().validate();
        assertEquals("tcnative", standard.sipTlsProvider);
        assertEquals(io.hub.pki.TlsProvider.TCNATIVE, standard.sipTls());
        assertEquals(io.hub.pki.TlsProvider.TCNATIVE, standard.tls());
        Path file = Files.writeString(dir.resolve("hub.yaml"), "sipTlsProvider: Conscrypt\ntlsProvider: jdk\n");
        HubSettings read = HubSettings.load(file, true).validate();
        assertEquals(io.hub.pki.TlsProvider.CONSCRYPT, read.sipTls());
        assertEquals(io.hub.pki.TlsProvider.JDK, read.tls());

        HubSettings other = new HubSettings();
        other.sipTlsProvider = "gnutls";
        assertEquals("sipTlsProvider: TLS provider 'gnutls' is none of jdk, conscrypt and tcnative",
                assertThrows(UserError.class, other::validate).getMessage());
    }

    @Test
    void sipClientCertificateIsWantedOrRequired() throws IOException {
        assertEquals("wanted", new HubSettings().validate().sipClientCertificate);
        Path file = Files.writeString(dir.resolve("hub.yaml"), "sipClientCertificate: required\n");
        assertEquals("required", HubSettings.load(file, true).validate().sipClientCertificate);

        HubSettings settings = new HubSettings();
        settings.sipClientCertificate = "optional";
        assertEquals("sipClientCertificate 'optional' is not wanted or required",
                assertThrows(UserError.class, settings::validate).getMessage());
    }
}
