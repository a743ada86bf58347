package io.hub.app;

import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.ManufacturerCrls;
import io.hub.pki.MacPlacement;
import io.hub.pki.MacRule;
import io.hub.pki.PemFiles;
import io.hub.pki.PkiException;
import io.hub.pki.RevocationList;
import io.hub.pki.TrustedManufacturer;
import io.hub.pki.TrustedManufacturers;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pki", mixinStandardHelpOptions = true, versionProvider = HubVersion.class,
        description = "The hub's certificates: its CA, emulated factory certificates, trusted manufacturers, "
                + "revocation, manufacturers' CRLs.",
        subcommands = {PkiCommand.Init.class, PkiCommand.DeviceCert.class, PkiCommand.Trust.class,
                PkiCommand.Untrust.class, PkiCommand.Trusted.class, PkiCommand.Revoke.class, PkiCommand.Crl.class,
                PkiCommand.CrlImport.class, PkiCommand.RenewServer.class},
        commandListHeading = "%nCommands:%n")
public final class PkiCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The PKI of the home, for commands that need one that exists. */
    static HubPki existingPki(HomeOption homeOption) {
        HubHome home = homeOption.home();
        return home.pki(Clock.systemUTC());
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create the hub CA, its server certificate and the development manufacturer CA.",
                    "Existing keys are never overwritten: on a complete PKI this changes nothing and exits 2."})
    static final class Init implements Callable<Integer> {
        @Mixin
        ServerCertificateOptions options;
        @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec",
                description = "ECDSA P-256 (default) or RSA 3072.")
        String keyType;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HubHome hubHome = options.home.home();
            HubSettings settings = options.settings();
            settings.keyType = keyType;
            hubHome.create();
            HubPki.InitReport report = hubHome.pki(Clock.systemUTC())
                    .init(settings.validate().keyTypeParsed(), settings.certificateNames());
            PrintWriter out = spec.commandLine().getOut();
            report.warnings().forEach(w -> spec.commandLine().getErr().println("hub: warning: " + w));
            if (report.createdNothing()) {
                throw new UserError("the PKI in " + hubHome.pkiDirectory() + " is already initialised; nothing changed");
            }
            out.println("created in " + hubHome.pkiDirectory() + ": " + String.join(", ", report.created()));
            return 0;
        }
    }

    /** {@code --home} and {@code --server-name}, for init and renew-server: names added to hub.yaml's. */
    static final class ServerCertificateOptions {
        @Mixin
        HomeOption home;
        @Option(names = "--server-name", paramLabel = "NAME",
                description = "A DNS name or address the server certificate covers, beside the loopback ones, "
                        + "those of hub.yaml and, when renewing, the current certificate's (repeatable).")
        List<String> names = List.of();

        /** The home's settings with these names added. */
        HubSettings settings() {
            HubSettings settings = HubSettings.load(home.home().settingsFile(), false);
            settings.serverNames = concat(settings.serverNames, names);
            return settings;
        }
    }

    @Command(name = "renew-server", mixinStandardHelpOptions = true,
            description = {"Issue a new server certificate and key from the hub CA: the names of the current one, "
                    + "the given ones and those of hub.yaml.",
                    "A running hub serves it within seconds on both HTTPS ports and SIP-TLS, without a restart; "
                            + "open connections keep the old one."})
    static final class RenewServer implements Callable<Integer> {
        @Mixin
        ServerCertificateOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HubHome hubHome = options.home.home();
            HubSettings settings = options.settings();
            HubPki pki = existingPki(options.home);
            if (!pki.isInitialised()) {
                throw new UserError("no PKI in " + hubHome.pkiDirectory() + "; run 'hub pki init' first");
            }
            X509Certificate renewed = pki.renewServerCertificate(settings.validate().certificateNames());
            java.util.List<String> names = new java.util.ArrayList<>();
            try {
                if (renewed.getSubjectAlternativeNames() != null) {
                    renewed.getSubjectAlternativeNames().forEach(entry -> names.add(String.valueOf(entry.get(1))));
                }
            } catch (java.security.cert.CertificateParsingException e) {
                throw new IllegalStateException("the certificate just issued has unreadable names", e);
            }
            spec.commandLine().getOut().printf("renewed %s: serial %s, valid until %s, names %s%n",
                    pki.file(HubPki.SERVER_CERTIFICATE), renewed.getSerialNumber().toString(16),
                    renewed.getNotAfter().toInstant(), String.join(", ", names));
            return 0;
        }
    }

    @Command(name = "device-cert", mixinStandardHelpOptions = true,
            description = {"Issue an emulated factory certificate for a phone from the development manufacturer CA.",
                    "Writes DIR/cert.pem and DIR/key.pem (0600), as curl --cert/--key and SIP clients take them."})
    static final class DeviceCert implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Option(names = "--mac", required = true, paramLabel = "MAC",
                description = "The phone's MAC, as 00:80:9f:aa:bb:cc, 00-80-9f-aa-bb-cc, 0080.9faa.bbcc or 00809faabbcc.")
        MacAddress mac;
        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model, e.g. \"Myriad M7\".")
        String model;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to.")
        Path out;
        @Option(names = "--mac-in", paramLabel = "cn|serial|san", defaultValue = "cn",
                description = "Where the MAC goes: subject CN (default), subject serialNumber, or a SAN URI "
                        + "urn:dev:mac:….")
        MacPlacement placement;
        @Option(names = "--days", paramLabel = "N", defaultValue = "7300", description = "Validity in days (default 7300).")
        int days;
        @Option(names = "--not-before", paramLabel = "WHEN",
                description = "Start of validity: 2026-01-31 or 2026-01-31T08:00:00Z (default: now).")
        String notBefore;
        @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec", description = "The phone's key type.")
        String keyType;
        @Option(names = "--force", description = "Replace an existing DIR/cert.pem and DIR/key.pem.")
        boolean force;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (days <= 0) {
                throw new UserError("--days must be positive, not " + days);
            }
            KeyType type = parseKeyType(keyType);
            DeviceCertificateRequest request = new DeviceCertificateRequest(mac, model, placement,
                    Duration.ofDays(days), Optional.ofNullable(notBefore).map(DeviceCert::instant), type);
            DeviceCertificates.IssuedCertificate issued = existingPki(home).issueDeviceCertificate(request, out,
                    force);
            X509Certificate certificate = issued.certificate();
            spec.commandLine().getOut().printf("wrote %s and %s%n  mac %s, model %s, MAC in %s, serial %s%n"
                            + "  valid %s to %s%n",
                    out.resolve("cert.pem"), out.resolve("key.pem"), mac.colonSeparated(), model,
                    placement.name().toLowerCase(java.util.Locale.ROOT), certificate.getSerialNumber().toString(16),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
            return 0;
        }

        private static Instant instant(String text) {
            try {
                return text.contains("T") ? Instant.parse(text)
                        : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new UserError("--not-before '" + text + "' is neither a date (2026-01-31) nor an instant "
                        + "(2026-01-31T08:00:00Z)");
            }
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = {"Trust a manufacturer CA (PEM) to vouch for phones.",
                    "The MAC rule says where that CA puts the MAC; a generic CA proves the vendor only."})
    static final class Trust implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Parameters(paramLabel = "FILE", description = "PEM file with the CA certificate(s).")
        Path file;
        @Option(names = "--mac-rule", paramLabel = "RULE", defaultValue = "cn",
                description = "cn (default), serial, san, any, or regex:PATTERN with a group for the MAC.")
        MacRule rule;
        @Option(names = "--generic", description = "The CA proves the vendor, not the MAC: such phones must be "
                + "enrolled and are flagged.")
        boolean generic;
        @Option(names = "--name", paramLabel = "NAME", description = "Name to keep it under (default: from its CN).")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<TrustedManufacturers.Entry> entries = existingPki(home).trust(file, Optional.ofNullable(name), rule,
                    generic);
            for (TrustedManufacturers.Entry entry : entries) {
                spec.commandLine().getOut().printf("trusted %s: MAC rule %s%s, sha256 %s%n", entry.name(),
                        entry.macRule(), entry.generic() ? ", generic" : "", entry.fingerprint());
            }
            return 0;
        }
    }

    @Command(name = "untrust", mixinStandardHelpOptions = true,
            description = {"Stop trusting a manufacturer CA, for good: its phones are refused from now on (by a "
                    + "running hub too) and its imported CRL is dropped.",
                    "Neither 'pki init' nor a restart trusts it again, the development manufacturer CA included; "
                    + "only 'pki trust' does."})
    static final class Untrust implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Parameters(paramLabel = "NAME", description = "The name 'hub pki trusted' lists.")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TrustedManufacturers.Entry removed = existingPki(home).untrust(name);
            spec.commandLine().getOut().printf("untrusted %s (sha256 %s); its phones are refused from now on%n",
                    removed.name(), removed.fingerprint());
            return 0;
        }
    }

    @Command(name = "trusted", mixinStandardHelpOptions = true,
            description = "List the trusted manufacturer CAs, with the next update of each one's imported CRL.")
    static final class Trusted implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            HubPki pki = existingPki(home);
            out.printf("%-24s %-16s %-8s %-21s %s%n", "NAME", "MAC RULE", "GENERIC", "CRL NEXT UPDATE", "SHA-256");
            for (TrustedManufacturer manufacturer : pki.trusted().list()) {
                TrustedManufacturers.Entry entry = pki.trusted().entries().stream()
                        .filter(e -> e.name().equals(manufacturer.name())).findFirst().orElseThrow();
                String crl;
                try {
                    crl = pki.manufacturerCrls().of(manufacturer)
                            .map(c -> c.getNextUpdate().toInstant().toString()).orElse("-");
                } catch (PkiException e) {
                    crl = "unreadable"; // the validator refuses that CA's phones until it is imported anew
                }
                out.printf("%-24s %-16s %-8s %-21s %s%n", entry.name(), entry.macRule(),
                        entry.generic() ? "yes" : "no", crl, entry.fingerprint());
            }
            return 0;
        }
    }

    @Command(name = "crl-import", mixinStandardHelpOptions = true,
            description = {"Import a manufacturer's CRL (PEM or DER) for one of its trusted CAs; import again to "
                    + "refresh it.",
                    "It must be signed by that CA's key (not with SHA-1 or MD5), be complete and current, and be "
                    + "newer than the one it replaces. Certificates it lists are refused as revoked; once its next "
                    + "update has passed, every phone under that CA is refused (crl-expired) until a fresh one is "
                    + "imported."})
    static final class CrlImport implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Option(names = "--ca", required = true, paramLabel = "NAME",
                description = "The trusted CA that signed the CRL, by the name 'hub pki trusted' lists.")
        String caName;
        @Parameters(paramLabel = "FILE", description = "The CRL, PEM or DER.")
        Path file;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ManufacturerCrls.Imported imported = existingPki(home).importCrl(caName, file);
            String crl = ManufacturerCrls.describe(imported.crl());
            PrintWriter out = spec.commandLine().getOut();
            if (imported.outcome() == ManufacturerCrls.Outcome.UNCHANGED) {
                out.printf("the CRL of %s is already imported (%s); nothing changed%n", caName, crl);
            } else {
                out.printf("%s the CRL of %s: %d revoked certificate(s), %s, next update %s%n",
                        imported.outcome() == ManufacturerCrls.Outcome.REPLACED ? "replaced" : "imported", caName,
                        imported.revokedCount(), crl, imported.crl().getNextUpdate().toInstant());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a device certificate or a whole device; crl.pem is republished.",
                    "Discovery, provisioning and SIP-TLS refuse it from then on."})
    static final class Revoke implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;
        @Option(names = "--issuer", paramLabel = "NAME", defaultValue = HubPki.DEV_MANUFACTURER_NAME,
                description = "With --serial: the trusted CA that issued it (default: dev-manufacturer).")
        String issuer;
        @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
                description = "unspecified, key-compromise, ca-compromise, affiliation-changed, superseded, "
                        + "cessation-of-operation.")
        String reason;
        @Spec
        CommandSpec spec;

        static final class Target {
            @Option(names = "--serial", paramLabel = "HEX", description = "Serial number in hex, as openssl shows it.")
            String serial;
            @Option(names = "--mac", paramLabel = "MAC", description = "Every certificate of this device.")
            MacAddress mac;
            @Option(names = "--cert", paramLabel = "FILE", description = "The certificate in this PEM file.")
            Path certificate;
        }

        @Override
        public Integer call() {
            RevocationList.Reason why = parse(reason);
            HubPki pki = existingPki(home);
            boolean changed;
            String what;
            if (target.mac != null) {
                changed = pki.revokeMac(target.mac, why);
                what = "device " + target.mac.colonSeparated();
            } else if (target.certificate != null) {
                X509Certificate certificate = PemFiles.readCertificate(target.certificate);
                changed = pki.revokeCertificate(certificate, why);
                what = "certificate " + certificate.getSerialNumber().toString(16);
            } else {
                changed = pki.revokeSerial(serial(target.serial), issuer, why);
                what = "certificate " + target.serial.toLowerCase(java.util.Locale.ROOT).replace(":", "") + " of "
                        + issuer;
            }
            spec.commandLine().getOut().println(changed
                    ? "revoked " + what + "; " + pki.file(HubPki.CRL) + " republished"
                    : what + " was already revoked; nothing changed");
            return 0;
        }

        private static BigInteger serial(String text) {
            try {
                return new BigInteger(text.replace(":", ""), 16);
            } catch (NumberFormatException e) {
                throw new UserError("--serial '" + text + "' is not a hexadecimal serial number");
            }
        }

        private static RevocationList.Reason parse(String text) {
            try {
                return RevocationList.Reason.fromOption(text);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    @Command(name = "crl", mixinStandardHelpOptions = true,
            description = "Sign and publish crl.pem anew from the revocations (it expires after 7 days).")
    static final class Crl implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HubPki pki = existingPki(home);
            List<X509CRL> crls = pki.publishCrl();
            int entries = crls.stream().mapToInt(c -> c.getRevokedCertificates() == null ? 0
                    : c.getRevokedCertificates().size()).sum();
            long devices = pki.revocations().entries().stream().filter(e -> e.mac() != null).count();
            spec.commandLine().getOut().printf("wrote %s: %d revoked certificate(s), next update %s; "
                    + "%d revoked device(s) by MAC%n", pki.file(HubPki.CRL), entries,
                    crls.get(0).getNextUpdate().toInstant(), devices);
            return 0;
        }
    }

    static KeyType parseKeyType(String text) {
        try {
            return KeyType.fromOption(text);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
