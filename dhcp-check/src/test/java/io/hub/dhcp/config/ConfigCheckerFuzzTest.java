package io.hub.dhcp.config;

import static io.hub.dhcp.config.ConfigFixtures.RULES;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hub.dhcp.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A configuration file as an admin may point the checker at: each checker either refuses it with
 * a {@link ConfigException} (exit 2) or judges it into findings, never anything else.
 */
class ConfigCheckerFuzzTest {

    private static final Path DIR = directory();

    @FuzzTest(maxDuration = "10m")
    void keaReadsOrRefusesAnyFile(byte[] file) {
        check(new KeaChecker(), "kea-dhcp4.conf", file);
    }

    @FuzzTest(maxDuration = "10m")
    void iscDhcpdReadsOrRefusesAnyFile(byte[] file) {
        check(new IscDhcpdChecker(), "dhcpd.conf", file);
    }

    @FuzzTest(maxDuration = "10m")
    void dnsmasqReadsOrRefusesAnyFile(byte[] file) {
        check(new DnsmasqChecker(), "dnsmasq.conf", file);
    }

    private static void check(ConfigChecker checker, String name, byte[] content) {
        Path file = DIR.resolve(name);
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Finding> findings;
        try {
            findings = checker.check(file, RULES);
        } catch (ConfigException refused) {
            assertFalse(refused.getMessage().isBlank());
            assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
            return;
        }
        for (Finding finding : findings) {
            assertNotNull(finding.kind());
            assertFalse(finding.why().isBlank());
            assertNotNull(finding.where());
        }
    }

    private static Path directory() {
        try {
            return Files.createDirectories(Path.of("target", "fuzz-configs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
