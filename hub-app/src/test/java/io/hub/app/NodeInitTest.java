package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub node init --from DIR} makes a new node's home from a node of the cluster: the PKI (not
 * the server certificate), the secrets, the admin token and the settings, private files staying
 * private; a home that is another hub's is refused before anything is written.
 */
class NodeInitTest {

    @TempDir
    Path dir;

    @Test
    void aNewNodesHomeHoldsTheFirstNodesPkiSecretsTokenAndSettingsButNotItsServerCertificate() throws Exception {
        Path first = startedHome("first");
        Files.writeString(first.resolve("hub.yaml"), "sipDomain: pbx.example.com\n");
        Path second = dir.resolve("second");

        CommandLineRun run = CommandLineRun.hub("node", "init", "--from", first.toString(), "--home",
                second.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("next: hub start --home " + second), run.out());
        for (String file : new String[] {"pki/ca.pem", "pki/ca.key", "pki/dev-manufacturer-ca.key",
                "pki/trusted-manufacturers.json", "secrets/sip-passwords.key", "admin-token", "hub.yaml"}) {
            assertArrayEquals(Files.readAllBytes(first.resolve(file)), Files.readAllBytes(second.resolve(file)), file);
        }
        assertFalse(Files.exists(second.resolve("pki").resolve(HubPki.SERVER_CERTIFICATE)));
        assertFalse(Files.exists(second.resolve("pki").resolve(HubPki.SERVER_KEY)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                second.resolve("pki/ca.key"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                second.resolve("secrets/sip-passwords.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                second.resolve("secrets"))));

        CommandLineRun again = CommandLineRun.hub("node", "init", "--from", first.toString(), "--home",
                second.toString());
        assertEquals(0, again.exitCode(), again.err());
        long copied = run.out().lines().filter(line -> line.startsWith("  ")).count();
        assertTrue(again.out().contains(": 0 files copied, " + copied + " already the same"), again.out());
    }

    @Test
    void aHomeThatIsAnotherHubsIsRefusedAndLeftAsItWas() throws Exception {
        Path first = startedHome("first");
        Path other = startedHome("other");
        byte[] token = Files.readAllBytes(other.resolve("admin-token"));

        CommandLineRun run = CommandLineRun.hub("node", "init", "--from", first.toString(), "--home",
                other.toString());

        assertEquals(2, run.exitCode());
        assertEquals("hub: " + other.resolve("pki/ca.key") + " exists and differs from " + first.resolve("pki/ca.key")
                + ": " + other + " already is another hub's home (a new node needs a new, empty home)",
                run.errorLine());
        assertArrayEquals(token, Files.readAllBytes(other.resolve("admin-token")));
    }

    @Test
    void aDirectoryThatIsNoStartedNodesHomeIsRefused() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        CommandLineRun run = CommandLineRun.hub("node", "init", "--from", empty.toString(), "--home",
                dir.resolve("second").toString());

        assertEquals(2, run.exitCode());
        assertEquals("hub: " + empty + " is not the home of a started node: " + empty.resolve("pki").resolve("ca.pem")
                + " is missing", run.errorLine());
        assertFalse(Files.exists(dir.resolve("second")));
    }

    @Test
    void hubHelpListsTheNodeCommand() {
        assertTrue(CommandLineRun.hub("--help").out().contains("node"));
        assertTrue(CommandLineRun.hub("node", "--help").out().contains("init"));
    }

    private Path startedHome(String name) {
        Path home = dir.resolve(name);
        Hub.start(new HubHome(home), TestSettings.ephemeralPorts().validate(), Clock.systemUTC()).close();
        return home;
    }
}
