package io.hub.app.phone;

import io.hub.app.HomeOption;
import io.hub.app.HubHome;
import io.hub.app.HubSettings;
import io.hub.app.UserError;
import io.hub.phone.PhoneSettings;
import io.hub.phone.fleet.LocalAddresses;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.identity.PhoneTrust;
import io.hub.phone.identity.TlsLibrary;
import io.hub.phone.sip.DigestAnswer;
import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.pki.PkiException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every {@code hub phone} command needs: where the hub is, what to trust, how phones behave. */
final class PhoneOptions {

    @Mixin
    HomeOption home;

    @Option(names = "--hub", paramLabel = "URL",
            description = "The hub's device HTTPS (default: https://localhost:<httpsPort of hub.yaml, else 8443>).")
    URI hub;

    @Option(names = "--ca", paramLabel = "FILE", description = "CA the phones trust (default: HOME/pki/ca.pem).")
    Path ca;

    @Option(names = "--cert-dir", paramLabel = "DIR",
            description = "Phone certificates to reuse (DIR/<mac>/cert.pem, key.pem); missing ones are made there.")
    Path certDir;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "Myriad M7",
            description = "The model phones report (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--firmware", paramLabel = "VERSION", defaultValue = "1.0.0",
            description = "The firmware phones run before any update (default: ${DEFAULT-VALUE}).")
    String firmware;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Deadline of one attempt at a step (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "4",
            description = "Attempts per step, with backoff from 1 s doubling to 30 s (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--digest", paramLabel = "strongest|md5|sha-256", defaultValue = "strongest",
            description = "Digest algorithm to answer with (default: ${DEFAULT-VALUE}).")
    String digest;

    @Option(names = "--sip-server", paramLabel = "HOST:PORT",
            description = "Register here instead of at the configuration's registrar.")
    String sipServer;

    @Option(names = "--local-addresses", paramLabel = "CIDR",
            description = "Send each phone from its own address of this block, e.g. 127.16.0.0/12.")
    String localAddresses;

    @Option(names = "--tls", paramLabel = "jdk|conscrypt", defaultValue = "jdk",
            description = "The TLS the phones speak: the JDK's, or Conscrypt (BoringSSL), whose handshakes cost "
                    + "a load of thousands of phones a fraction of the CPU (default: ${DEFAULT-VALUE}).")
    String tls;

    HubHome hubHome() {
        return home.home();
    }

    PhoneSettings settings() {
        if (timeoutSeconds < 1 || attempts < 1) {
            throw new UserError("--timeout and --attempts must be at least 1");
        }
        URI base = hub;
        if (base == null) {
            HubSettings settings = HubSettings.load(hubHome().settingsFile(), false);
            base = URI.create("https://localhost:" + settings.httpsPort);
        }
        if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new UserError("--hub must be an https:// URL with a host, not " + base);
        }
        PhoneSettings defaults = PhoneSettings.defaults(base, new PhoneTrust(trusted(), tlsLibrary()));
        return new PhoneSettings(base, defaults.trusted(), firmware, Duration.ofSeconds(timeoutSeconds),
                defaults.firmwareDeadline(), attempts, defaults.backoff(), defaults.maxBackoff(), digestPreference(),
                Optional.ofNullable(sipServer).map(PhoneOptions::hostPort), defaults.userAgent(), true);
    }

    PhoneCertificates certificates() {
        HubPki pki = HubPki.at(hubHome().pkiDirectory(), Clock.systemUTC());
        if (certDir == null && !pki.isInitialised()) {
            throw new UserError("no development manufacturer CA in " + hubHome().pkiDirectory()
                    + " to make phone certificates (see --home, or --cert-dir with certificates)");
        }
        return new PhoneCertificates(Optional.ofNullable(certDir), pki.isInitialised() ? pki : null,
                Clock.systemUTC());
    }

    Optional<LocalAddresses> locals() {
        try {
            return Optional.ofNullable(localAddresses).map(LocalAddresses::parse);
        } catch (IllegalArgumentException e) {
            throw new UserError("--local-addresses: " + e.getMessage());
        }
    }

    List<X509Certificate> trusted() {
        Path file = ca != null ? ca : hubHome().pkiDirectory().resolve(HubPki.HUB_CA_CERTIFICATE);
        if (!Files.exists(file)) {
            throw new UserError("no CA to trust at " + file + " (see --ca, --home)");
        }
        try {
            return PemFiles.readCertificates(file);
        } catch (PkiException e) {
            throw new UserError(e.getMessage());
        }
    }

    TlsLibrary tlsLibrary() {
        try {
            return TlsLibrary.named(tls);
        } catch (IllegalArgumentException e) {
            throw new UserError("--tls: " + e.getMessage());
        }
    }

    DigestAnswer.Preference digestPreference() {
        return switch (digest.toLowerCase(Locale.ROOT)) {
            case "strongest" -> DigestAnswer.Preference.STRONGEST;
            case "md5" -> DigestAnswer.Preference.MD5;
            case "sha-256", "sha256" -> DigestAnswer.Preference.SHA256;
            default -> throw new UserError("--digest must be strongest, md5 or sha-256, not " + digest);
        };
    }

    static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = text.substring(0, colon).replace("[", "").replace("]", "");
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (RuntimeException e) {
            throw new UserError("'" + text + "' is not HOST:PORT");
        }
    }
}
