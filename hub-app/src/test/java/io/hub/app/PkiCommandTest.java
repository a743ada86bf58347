package io.hub.app;

import static io.hub.app.CommandLineRun.hub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.CertificateAuthority;
import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.pki.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {

    @TempDir
    Path dir;

    private String home;

    @BeforeEach
    void init() {
        home = dir.resolve("home").toString();
        CommandLineRun run = hub("pki", "init", "--home", home);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("created in " + dir.resolve("home/pki") + ": ca.pem, server.pem"), run.out());
    }

    @Test
    void aSecondInitIsRefusedAndChangesNothing() throws IOException {
        Map<String, byte[]> before = files(dir.resolve("home"));

        CommandLineRun run = hub("pki", "init", "--home", home);

        assertEquals(2, run.exitCode());
        assertEquals("hub: the PKI in " + dir.resolve("home/pki") + " is already initialised; nothing changed",
                run.errorLine());
        assertSameFiles(before, files(dir.resolve("home")));
    }

    @Test
    void deviceCertPutsTheMacWhereAsked() {
        for (String place : List.of("cn", "serial", "san")) {
            Path out = dir.resolve(place);
            CommandLineRun run = hub("pki", "device-cert", "--home", home, "--mac", "0080.9FAA.BBCC",
                    "--model", "Myriad M8", "--out", out.toString(), "--mac-in", place, "--days", "30");
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("mac 00:80:9f:aa:bb:cc, model Myriad M8, MAC in " + place), run.out());
            X509Certificate certificate = PemFiles.readCertificate(out.resolve("cert.pem"));
            String subject = certificate.getSubjectX500Principal().toString();
            assertEquals(place.equals("cn"), subject.contains("CN=00809faabbcc"), subject);
            assertEquals(place.equals("serial"), subject.contains("SERIALNUMBER=00809faabbcc"), subject);
        }
    }

    @Test
    void deviceCertHonoursNotBefore() {
        Path out = dir.resolve("later");
        CommandLineRun run = hub("pki", "device-cert", "--home", home, "--mac", "00809faabbcc", "--model", "Myriad M3",
                "--out", out.toString(), "--not-before", "2030-01-31");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(java.time.Instant.parse("2030-01-31T00:00:00Z"),
                PemFiles.readCertificate(out.resolve("cert.pem")).getNotBefore().toInstant());
    }

    @Test
    void aMalformedMacIsOneLineAndExitTwo() {
        CommandLineRun run = hub("pki", "device-cert", "--home", home, "--mac", "00:80:9f:aa:bb", "--model", "M7",
                "--out", dir.resolve("d").toString());

        assertEquals(2, run.exitCode());
        assertEquals("hub: Invalid value for option '--mac': malformed MAC address '00:80:9f:aa:bb': expected 12 hex "
                + "digits as 00:80:9f:aa:bb:cc, 00-80-9f-aa-bb-cc, 0080.9faa.bbcc or 00809faabbcc "
                + "(see 'hub pki device-cert --help')", run.errorLine());
        assertTrue(Files.notExists(dir.resolve("d")));
    }

    @Test
    void deviceCertNeverOverwritesAKeyUnlessForced() throws IOException {
        String out = dir.resolve("d").toString();
        assertEquals(0, hub("pki", "device-cert", "--home", home, "--mac", "00809faabbcc", "--model", "M7", "--out", out)
                .exitCode());
        byte[] key = Files.readAllBytes(Path.of(out, "key.pem"));

        CommandLineRun again = hub("pki", "device-cert", "--home", home, "--mac", "00809faabbcc", "--model", "M7",
                "--out", out);

        assertEquals(2, again.exitCode());
        assertEquals("hub: " + Path.of(out, "cert.pem") + " exists; choose another --out, or pass --force to replace it",
                again.errorLine());
        assertArrayEquals(key, Files.readAllBytes(Path.of(out, "key.pem")));
        assertEquals(0, hub("pki", "device-cert", "--home", home, "--mac", "00809faabbcc", "--model", "M7", "--out",
                out, "--force").exitCode());
    }

    @Test
    void trustRefusesUnreadableAndNonPemFiles() throws IOException {
        Path binary = Files.write(dir.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xff});
        Path missing = dir.resolve("absent.pem");

        CommandLineRun notPem = hub("pki", "trust", "--home", home, binary.toString());
        CommandLineRun absent = hub("pki", "trust", "--home", home, missing.toString());

        assertEquals(2, notPem.exitCode());
        assertEquals("hub: " + binary + " is not a PEM file (it holds binary data)", notPem.errorLine());
        assertEquals(2, absent.exitCode());
        assertEquals("hub: " + missing + " does not exist", absent.errorLine());
    }

    @Test
    void trustWithARuleThenListIt() {
        Path ca = dir.resolve("vendor.pem");
        PemFiles.writeCertificates(ca, List.of(TestPki.root("CN=Vendor Phones CA,O=Vendor").certificate()));

        CommandLineRun trust = hub("pki", "trust", "--home", home, ca.toString(), "--mac-rule",
                "regex:SEP([0-9A-F]{12})", "--generic");
        CommandLineRun list = hub("pki", "trusted", "--home", home);

        assertEquals(0, trust.exitCode(), trust.err());
        assertTrue(trust.out().startsWith("trusted vendor-phones-ca: MAC rule regex:SEP([0-9A-F]{12}), generic"),
                trust.out());
        assertTrue(list.out().contains("vendor-phones-ca"), list.out());
        assertTrue(list.out().contains("dev-manufacturer"), list.out());
    }

    @Test
    void aBadMacRuleIsRefused() {
        Path ca = dir.resolve("vendor.pem");
        PemFiles.writeCertificates(ca, List.of(TestPki.root("CN=Vendor").certificate()));

        CommandLineRun run = hub("pki", "trust", "--home", home, ca.toString(), "--mac-rule", "subject");

        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("unknown MAC rule 'subject': expected cn, serial, san, any or "
                + "regex:PATTERN"), run.err());
    }

    @Test
    void revokeByMacThenAgainChangesNothing() {
        CommandLineRun first = hub("pki", "revoke", "--home", home, "--mac", "00-80-9F-AA-BB-CC", "--reason",
                "key-compromise");
        CommandLineRun second = hub("pki", "revoke", "--home", home, "--mac", "00809faabbcc");

        assertEquals(0, first.exitCode(), first.err());
        assertEquals("revoked device 00:80:9f:aa:bb:cc; " + dir.resolve("home/pki/crl.pem") + " republished",
                first.out().strip());
        assertEquals("device 00:80:9f:aa:bb:cc was already revoked; nothing changed", second.out().strip());
    }

    @Test
    void revokeBySerialAndByCertificateFile() {
        Path out = dir.resolve("phone");
        hub("pki", "device-cert", "--home", home, "--mac", "00809faabbcc", "--model", "M7", "--out", out.toString());
        X509Certificate certificate = PemFiles.readCertificate(out.resolve("cert.pem"));
        String serial = certificate.getSerialNumber().toString(16);

        CommandLineRun bySerial = hub("pki", "revoke", "--home", home, "--serial", serial);
        CommandLineRun byFile = hub("pki", "revoke", "--home", home, "--cert", out.resolve("cert.pem").toString());
        CommandLineRun crl = hub("pki", "crl", "--home", home);

        assertTrue(bySerial.out().startsWith("revoked certificate " + serial + " of dev-manufacturer"), bySerial.out());
        assertEquals("certificate " + serial + " was already revoked; nothing changed", byFile.out().strip());
        assertTrue(crl.out().contains("1 revoked certificate(s)"), crl.out());
        assertTrue(HubPki.at(dir.resolve("home/pki"), java.time.Clock.systemUTC()).revocations()
                .isRevoked(certificate));
    }

    @Test
    void revokeNeedsExactlyOneTargetAndAKnownReason() {
        assertEquals(2, hub("pki", "revoke", "--home", home).exitCode());
        assertEquals(2, hub("pki", "revoke", "--home", home, "--mac", "00809faabbcc", "--serial", "1f").exitCode());
        CommandLineRun reason = hub("pki", "revoke", "--home", home, "--mac", "00809faabbcc", "--reason", "boredom");
        assertEquals(2, reason.exitCode());
        assertTrue(reason.errorLine().startsWith("hub: unknown revocation reason 'boredom'"), reason.err());
        CommandLineRun serial = hub("pki", "revoke", "--home", home, "--serial", "xyz");
        assertEquals("hub: --serial 'xyz' is not a hexadecimal serial number", serial.errorLine());
    }

    @Test
    void commandsOnAHomeWithoutPkiSaySoInOneLine() {
        String empty = dir.resolve("empty").toString();

        CommandLineRun run = hub("pki", "device-cert", "--home", empty, "--mac", "00809faabbcc", "--model", "M7",
                "--out", dir.resolve("d").toString());

        assertEquals(2, run.exitCode());
        assertEquals("hub: no PKI in " + Path.of(empty, "pki") + "; run 'hub pki init' first", run.errorLine());
    }

    @Test
    void aHomeThatCannotBeWrittenIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");

        CommandLineRun run = hub("pki", "init", "--home", file.resolve("home").toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().startsWith("hub: home " + file.resolve("home") + " is not writable"), run.err());
    }

    @Test
    void untrustRemovesTheDevelopmentCaForGood() {
        CommandLineRun untrust = hub("pki", "untrust", "--home", home, "dev-manufacturer");
        CommandLineRun init = hub("pki", "init", "--home", home);
        CommandLineRun list = hub("pki", "trusted", "--home", home);

        assertEquals(0, untrust.exitCode(), untrust.err());
        assertTrue(untrust.out().startsWith("untrusted dev-manufacturer (sha256 "), untrust.out());
        assertEquals(2, init.exitCode(), "init has nothing to create, the development CA's trust included");
        assertEquals(0, list.exitCode(), list.err());
        assertFalse(list.out().contains("dev-manufacturer"), list.out());
        assertEquals(1, list.out().strip().lines().count(), "the header only: " + list.out());
    }

    @Test
    void untrustingAnUnknownNameIsOneLineAndExitTwo() {
        CommandLineRun run = hub("pki", "untrust", "--home", home, "nobody");

        assertEquals(2, run.exitCode());
        assertEquals("hub: no trusted manufacturer CA is named 'nobody'; trusted: [dev-manufacturer]",
                run.errorLine());
    }

    @Test
    void crlImportTakesAManufacturersCrlOnceAndShowsItInTheList() throws Exception {
        CertificateAuthority vendor = TestPki.root("CN=Vendor Phones CA,O=Vendor");
        Path ca = dir.resolve("vendor.pem");
        PemFiles.writeCertificates(ca, List.of(vendor.certificate()));
        assertEquals(0, hub("pki", "trust", "--home", home, ca.toString(), "--name", "vendor").exitCode());
        Instant now = Instant.now();
        Instant nextUpdate = now.plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);
        Path crl = Files.write(dir.resolve("vendor.crl"),
                TestPki.crl(vendor, BigInteger.ONE, now, nextUpdate, BigInteger.TEN).getEncoded());

        CommandLineRun first = hub("pki", "crl-import", "--home", home, "--ca", "vendor", crl.toString());
        CommandLineRun again = hub("pki", "crl-import", "--home", home, "--ca", "vendor", crl.toString());
        CommandLineRun list = hub("pki", "trusted", "--home", home);

        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().startsWith("imported the CRL of vendor: 1 revoked certificate(s), CRL number 1, "),
                first.out());
        assertTrue(first.out().strip().endsWith("next update " + nextUpdate), first.out());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().startsWith("the CRL of vendor is already imported (CRL number 1"), again.out());
        assertTrue(again.out().strip().endsWith("nothing changed"), again.out());
        assertTrue(list.out().lines().anyMatch(line -> line.startsWith("vendor ") && line.contains(
                nextUpdate.toString())), list.out());
    }

    @Test
    void aForgedOrGarbageCrlIsOneLineAndExitTwo() throws IOException {
        CertificateAuthority vendor = TestPki.root("CN=Vendor Phones CA,O=Vendor");
        Path ca = dir.resolve("vendor.pem");
        PemFiles.writeCertificates(ca, List.of(vendor.certificate()));
        assertEquals(0, hub("pki", "trust", "--home", home, ca.toString(), "--name", "vendor").exitCode());
        CertificateAuthority impostor = TestPki.root("CN=Vendor Phones CA,O=Vendor");
        Path forged = dir.resolve("forged.pem");
        PemFiles.writeCrls(forged, List.of(TestPki.crl(impostor, BigInteger.ONE, Instant.now(),
                Instant.now().plus(Duration.ofDays(7)))));
        Path garbage = Files.writeString(dir.resolve("garbage.crl"), "this is no CRL\n");

        CommandLineRun forgedRun = hub("pki", "crl-import", "--home", home, "--ca", "vendor", forged.toString());
        CommandLineRun garbageRun = hub("pki", "crl-import", "--home", home, "--ca", "vendor", garbage.toString());
        CommandLineRun noCa = hub("pki", "crl-import", "--home", home, garbage.toString());

        assertEquals(2, forgedRun.exitCode());
        assertEquals("hub: " + forged + ": the CRL's signature does not verify with the key of trusted CA vendor",
                forgedRun.errorLine());
        assertEquals(2, garbageRun.exitCode());
        assertTrue(garbageRun.errorLine().startsWith("hub: " + garbage + " is not an X.509 CRL (PEM or DER): "),
                garbageRun.err());
        assertEquals(2, noCa.exitCode());
        assertTrue(Files.notExists(dir.resolve("home/pki/manufacturer-crls/vendor.pem")));
    }

    @Test
    void everyLevelHasHelp() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"pki", "--help"},
                new String[] {"start", "--help"}, new String[] {"pki", "init", "--help"},
                new String[] {"pki", "device-cert", "--help"}, new String[] {"pki", "trust", "--help"},
                new String[] {"pki", "trusted", "--help"}, new String[] {"pki", "revoke", "--help"},
                new String[] {"pki", "crl", "--help"}, new String[] {"pki", "untrust", "--help"},
                new String[] {"pki", "crl-import", "--help"}, new String[] {"device", "--help"},
                new String[] {"device", "enroll", "--help"}, new String[] {"device", "import", "--help"},
                new String[] {"device", "list", "--help"}, new String[] {"device", "show", "--help"},
                new String[] {"device", "disable", "--help"}, new String[] {"device", "enable", "--help"},
                new String[] {"device", "remove", "--help"}, new String[] {"firmware", "--help"},
                new String[] {"firmware", "upload", "--help"}, new String[] {"firmware", "list", "--help"},
                new String[] {"firmware", "target", "--help"}, new String[] {"pki", "renew-server", "--help"},
                new String[] {"device", "rotate-password", "--help"})) {
            CommandLineRun run = hub(args);
            assertEquals(0, run.exitCode(), String.join(" ", args));
            assertTrue(run.out().startsWith("Usage: hub"), run.out());
        }
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
    }
}
