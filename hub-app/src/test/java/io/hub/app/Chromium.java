package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian chromium driven through its chromedriver, for the browser tests (the console, the
 * softphone). It accepts the hub's own server key and nothing else unverified: the hub's test CA is
 * made fresh for each run and is in no trust store, so instead of ignoring every certificate error
 * the browser is given the SHA-256 of the server certificate's public key
 * ({@code --ignore-certificate-errors-spki-list}, which chromium honours with a profile folder of
 * its own).
 *
 * <p>No chromium is a failure, not a skip: scripts/test installs it, and a page nobody tested in a
 * browser is not tested.
 */
final class Chromium {

    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Fails, saying what to install, when chromium or its driver is missing. */
    static void assertInstalled() {
        assertTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER), "the browser tests need Debian's "
                + "chromium and chromium-driver: apt-get install -y chromium chromium-driver (scripts/test installs "
                + "them)");
    }

    /**
     * A browser with its profile in {@code profile} trusting {@code hub}'s server key, with
     * {@code extraArguments} added to the usual headless ones.
     */
    static WebDriver start(Hub hub, Path profile, String... extraArguments) throws Exception {
        return start(hub, profile, BINARY, extraArguments);
    }

    /**
     * The same browser with every process of it in group {@code gid} (through {@code setpriv}, a
     * launcher script written beside {@code profile}), so that a firewall rule of the test can tell
     * its packets from everyone else's ({@link UdpDrop}).
     */
    static WebDriver startInGroup(Hub hub, Path profile, int gid, String... extraArguments) throws Exception {
        assertInstalled();
        Path launcher = profile.resolveSibling(profile.getFileName() + "-launcher.sh");
        Files.writeString(launcher, "#!/bin/sh\nexec /usr/bin/setpriv --regid=" + gid + " --clear-groups " + BINARY
                + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return start(hub, profile, launcher, extraArguments);
    }

    private static WebDriver start(Hub hub, Path profile, Path binary, String... extraArguments) throws Exception {
        assertInstalled();
        byte[] spki = PemFiles.readCertificate(hub.pki().file(HubPki.SERVER_CERTIFICATE)).getPublicKey().getEncoded();
        List<String> arguments = new ArrayList<>(List.of("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1500,1000", "--user-data-dir=" + profile,
                "--ignore-certificate-errors-spki-list=" + Base64.getEncoder().encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(spki))));
        arguments.addAll(List.of(extraArguments));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
