package io.hub.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PKI directory ({@code HOME/pki}): the hub CA and its server certificate, the
 * development manufacturer CA that emulated phones are issued from, the trusted manufacturer CAs
 * (and the ones untrusted), the revocations, the published CRL and the manufacturers' imported CRLs.
 *
 * <p>Nothing here overwrites a key. Mutations (init, issue, trust, untrust, revoke, CRL import) hold a
 * file lock on {@code pki/.lock}, so a command-line change and a running hub never interleave their
 * writes.
 */
public final class HubPki {

    public static final String HUB_CA_CERTIFICATE = "ca.pem";
    public static final String HUB_CA_KEY = "ca.key";
    public static final String SERVER_CERTIFICATE = "server.pem";
    public static final String SERVER_KEY = "server.key";
    public static final String DEV_MANUFACTURER_CERTIFICATE = "dev-manufacturer-ca.pem";
    public static final String DEV_MANUFACTURER_KEY = "dev-manufacturer-ca.key";
    public static final String CRL = "crl.pem";
    public static final String ISSUED_DEVICES = "issued-devices.jsonl";
    /** The name the development manufacturer CA is trusted under. */
    public static final String DEV_MANUFACTURER_NAME = "dev-manufacturer";

    static final Duration CA_LIFETIME = Duration.ofDays(20 * 365);
    static final Duration SERVER_LIFETIME = Duration.ofDays(2 * 365);
    static final Duration CRL_LIFETIME = Duration.ofDays(7);
    /** Certificates are back-dated a little so a phone whose clock runs slow still accepts them. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(HubPki.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final Path directory;
    private final Clock clock;
    private final TrustedManufacturers trusted;
    private final RevocationList revocations;
    private final ManufacturerCrls manufacturerCrls;

    private HubPki(Path directory, Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.trusted = new TrustedManufacturers(this.directory);
        this.revocations = new RevocationList(this.directory);
        this.manufacturerCrls = new ManufacturerCrls(this.directory);
    }

    /** The PKI kept in {@code directory}, which need not exist yet. */
    public static HubPki at(Path directory, Clock clock) {
        return new HubPki(directory, clock);
    }

    public Path directory() {
        return directory;
    }

    public Path file(String name) {
        return directory.resolve(name);
    }

    /** True when the hub CA, the server certificate and the development manufacturer CA all exist. */
    public boolean isInitialised() {
        return Files.exists(file(HUB_CA_CERTIFICATE)) && Files.exists(file(HUB_CA_KEY))
                && Files.exists(file(SERVER_CERTIFICATE)) && Files.exists(file(SERVER_KEY))
                && Files.exists(file(DEV_MANUFACTURER_CERTIFICATE)) && Files.exists(file(DEV_MANUFACTURER_KEY));
    }

    /**
     * Creates whatever of the PKI is missing and keeps everything that exists. Running it on a
     * complete PKI changes nothing and reports nothing created.
     *
     * @param keyType the key type of new CAs and the server certificate
     * @param serverNames DNS names and IP addresses the server certificate must cover
     * @throws PkiException when the directory cannot be written, a name is malformed, or a
     *     certificate exists without its key (or the reverse), which only a person can sort out
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public InitReport init(KeyType keyType, List<String> serverNames) {
        List<String> names = List.copyOf(new LinkedHashSet<>(serverNames));
        names.forEach(HubPki::checkServerName);
        createDirectory();
        try (DirectoryLock ignored = lock()) {
            List<String> created = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            checkPair(HUB_CA_CERTIFICATE, HUB_CA_KEY);
            checkPair(SERVER_CERTIFICATE, SERVER_KEY);
            checkPair(DEV_MANUFACTURER_CERTIFICATE, DEV_MANUFACTURER_KEY);

            if (!Files.exists(file(HUB_CA_CERTIFICATE))) {
                writeAuthority(newRoot(keyType, "CN=Hub Root CA,O=Hub"), HUB_CA_CERTIFICATE, HUB_CA_KEY);
                created.add(HUB_CA_CERTIFICATE);
            }
            CertificateAuthority hubCa = hubCa();
            if (!Files.exists(file(SERVER_CERTIFICATE))) {
                issueServerCertificate(hubCa, keyType, names);
                created.add(SERVER_CERTIFICATE);
            } else {
                X509Certificate server = PemFiles.readCertificate(file(SERVER_CERTIFICATE));
                missingNames(server, names).forEach(name ->
                        warnings.add(SERVER_CERTIFICATE + " does not cover " + name + "; it was kept as it is"));
                if (!signedBy(server, hubCa.certificate())) {
                    warnings.add(SERVER_CERTIFICATE + " was not issued by " + HUB_CA_CERTIFICATE
                            + "; phones that trust the CA will refuse it (move both server files away to reissue)");
                }
            }
            if (!Files.exists(file(DEV_MANUFACTURER_CERTIFICATE))) {
                writeAuthority(newRoot(keyType, "CN=Development Manufacturer CA,OU=Hub development,O=Emulated Phones"),
                        DEV_MANUFACTURER_CERTIFICATE, DEV_MANUFACTURER_KEY);
                created.add(DEV_MANUFACTURER_CERTIFICATE);
            }
            String devFingerprint = Fingerprints.sha256(PemFiles.readCertificate(file(DEV_MANUFACTURER_CERTIFICATE)));
            // Once an operator untrusts the development CA, no init brings it back: not this one by its
            // fingerprint, nor a regenerated one by its name. Only an explicit 'pki trust' does.
            boolean devUntrusted = trusted.untrusted().stream().anyMatch(u -> u.fingerprint().equals(devFingerprint)
                    || u.name().equals(DEV_MANUFACTURER_NAME));
            if (!devUntrusted && trusted.entries().stream().noneMatch(e -> e.fingerprint().equals(devFingerprint))) {
                trusted.trust(file(DEV_MANUFACTURER_CERTIFICATE), Optional.of(DEV_MANUFACTURER_NAME), MacRule.ANY,
                        false, clock.instant());
                created.add(TrustedManufacturers.INDEX);
            }
            if (!Files.exists(file(CRL))) {
                writeCrls(hubCa);
                created.add(CRL);
            }
            if (!created.isEmpty()) {
                LOG.info("pki initialised in {}: created {}", directory, created);
            }
            return new InitReport(created, warnings);
        }
    }

    public CertificateAuthority hubCa() {
        return loadAuthority(HUB_CA_CERTIFICATE, HUB_CA_KEY);
    }

    public CertificateAuthority devManufacturerCa() {
        return loadAuthority(DEV_MANUFACTURER_CERTIFICATE, DEV_MANUFACTURER_KEY);
    }

    public TrustedManufacturers trusted() {
        return trusted;
    }

    public RevocationList revocations() {
        return revocations;
    }

    public ManufacturerCrls manufacturerCrls() {
        return manufacturerCrls;
    }

    /** A validator over this directory's trusted CAs, revocations and imported CRLs, always current. */
    public DeviceCertificateValidator validator() {
        return new DeviceCertificateValidator(trusted, revocations, manufacturerCrls, clock);
    }

    /**
     * Issues an emulated factory certificate from the development manufacturer CA and writes
     * {@code outDir/cert.pem} and {@code outDir/key.pem} (0600). Each issue is logged in
     * {@code issued-devices.jsonl} so that revoking the MAC can also list its serials in the CRL.
     *
     * @throws PkiException when {@code outDir} already holds a certificate or key
     */
    public DeviceCertificates.IssuedCertificate issueDeviceCertificate(DeviceCertificateRequest request, Path outDir) {
        return issueDeviceCertificate(request, outDir, false);
    }

    /** As {@link #issueDeviceCertificate(DeviceCertificateRequest, Path)}; {@code replace} allows overwriting. */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public DeviceCertificates.IssuedCertificate issueDeviceCertificate(DeviceCertificateRequest request, Path outDir,
            boolean replace) {
        requireInitialised();
        for (String name : List.of("cert.pem", "key.pem")) {
            if (!replace && Files.exists(outDir.resolve(name))) {
                throw new PkiException(outDir.resolve(name)
                        + " exists; choose another --out, or pass --force to replace it");
            }
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new PkiException("cannot create " + outDir + ": " + PemFiles.oneLine(e));
        }
        DeviceCertificates.IssuedCertificate issued = DeviceCertificates.issue(devManufacturerCa(), request, clock);
        PemFiles.writePrivateKey(outDir.resolve("key.pem"), issued.keys().getPrivate());
        PemFiles.writeCertificates(outDir.resolve("cert.pem"), List.of(issued.certificate()));
        try (DirectoryLock ignored = lock()) {
            IssuedDevice record = new IssuedDevice(issued.certificate().getSerialNumber().toString(16),
                    issued.certificate().getIssuerX500Principal().getName(), request.mac().value(), request.model(),
                    Fingerprints.sha256(issued.certificate()), issued.certificate().getNotAfter().toInstant());
            Files.writeString(file(ISSUED_DEVICES), JsonFiles.MAPPER.writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(record) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new PkiException("cannot record the issued certificate in " + file(ISSUED_DEVICES) + ": "
                    + PemFiles.oneLine(e));
        }
        LOG.info("issued device certificate mac={} model={} serial={}", request.mac(), request.model(),
                issued.certificate().getSerialNumber().toString(16));
        return issued;
    }

    /** Trusts a manufacturer CA; see {@link TrustedManufacturers#trust}. */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public List<TrustedManufacturers.Entry> trust(Path pemFile, Optional<String> name, MacRule rule, boolean generic) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            List<TrustedManufacturers.Entry> entries = trusted.trust(pemFile, name, rule, generic, clock.instant());
            entries.forEach(e -> LOG.info("trusted manufacturer CA name={} rule={} generic={} fingerprint={}",
                    e.name(), e.macRule(), e.generic(), e.fingerprint()));
            return entries;
        }
    }

    /**
     * Stops trusting the CA called {@code name}, for good: phones under it are refused from now on
     * (by a running hub too), its imported CRL is dropped, and {@link #init} never trusts it again,
     * the development manufacturer CA included. Only an explicit {@link #trust} brings it back.
     *
     * @return the entry removed
     * @throws PkiException when no trusted CA has that name
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public TrustedManufacturers.Entry untrust(String name) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            TrustedManufacturers.Entry removed = trusted.untrust(name, clock.instant());
            manufacturerCrls.remove(name);
            LOG.info("untrusted manufacturer CA name={} fingerprint={}", removed.name(), removed.fingerprint());
            return removed;
        }
    }

    /**
     * Imports a manufacturer's CRL for the trusted CA called {@code caName}; see
     * {@link ManufacturerCrls#importCrl}. The validator applies it at once.
     *
     * @throws PkiException when no trusted CA has that name or the CRL is refused (the message says why)
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public ManufacturerCrls.Imported importCrl(String caName, Path crlFile) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            ManufacturerCrls.Imported imported = manufacturerCrls.importCrl(trustedNamed(caName), crlFile,
                    clock.instant());
            LOG.info("manufacturer CRL {} ca={} {} revoked={} nextUpdate={}",
                    imported.outcome().name().toLowerCase(java.util.Locale.ROOT), caName,
                    ManufacturerCrls.describe(imported.crl()), imported.revokedCount(),
                    imported.crl().getNextUpdate().toInstant());
            return imported;
        }
    }

    private TrustedManufacturer trustedNamed(String name) {
        return trusted.list().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new PkiException("no trusted manufacturer CA is named '" + name
                        + "'; trusted: " + trusted.list().stream().map(TrustedManufacturer::name).toList()));
    }

    /**
     * Revokes the certificate with {@code serial} under the trusted CA named {@code issuerName}, and
     * republishes the CRL. The validator refuses any certificate of a path anchored at that CA with
     * that serial, so a phone issued through an intermediate is covered too.
     *
     * @return false when it was already revoked
     * @throws PkiException when no trusted CA has that name
     */
    public boolean revokeSerial(BigInteger serial, String issuerName, RevocationList.Reason reason) {
        TrustedManufacturer issuer = trustedNamed(issuerName);
        return revoke(List.of(new CertificateRef(issuer.certificate().getSubjectX500Principal(), serial)), null, reason);
    }

    /** Revokes {@code certificate} and republishes the CRL; false when it was already revoked. */
    public boolean revokeCertificate(X509Certificate certificate, RevocationList.Reason reason) {
        return revoke(List.of(new CertificateRef(certificate.getIssuerX500Principal(), certificate.getSerialNumber())),
                null, reason);
    }

    /**
     * Revokes a device: every certificate carrying its MAC is refused from now on, and the ones the
     * hub issued are listed in the CRL.
     *
     * @return false when it was already revoked
     */
    public boolean revokeMac(MacAddress mac, RevocationList.Reason reason) {
        List<CertificateRef> issued = new ArrayList<>();
        for (IssuedDevice device : issuedDevices()) {
            if (device.mac().equals(mac.value())) {
                issued.add(new CertificateRef(new X500Principal(device.issuer()), new BigInteger(device.serial(), 16)));
            }
        }
        return revoke(issued, mac, reason);
    }

    /** Signs and writes {@code crl.pem} from the current revocations; see {@link #writeCrls}. */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public List<X509CRL> publishCrl() {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            return writeCrls(hubCa());
        }
    }

    /** The certificates issued by {@link #issueDeviceCertificate}, oldest first. */
    public List<IssuedDevice> issuedDevices() {
        Path log = file(ISSUED_DEVICES);
        if (!Files.exists(log)) {
            return List.of();
        }
        List<IssuedDevice> devices = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    devices.add(JsonFiles.MAPPER.readValue(line, IssuedDevice.class));
                } catch (IOException tornLine) {
                    // A crash mid-append leaves at most the last line torn; it named no usable certificate.
                    LOG.warn("skipping an unreadable line of {}", log);
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot read " + log + ": " + PemFiles.oneLine(e));
        }
        return devices;
    }

    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    private boolean revoke(List<CertificateRef> certificates, MacAddress mac, RevocationList.Reason reason) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            boolean changed = false;
            Instant now = clock.instant();
            for (CertificateRef ref : certificates) {
                if (revocations.revokeCertificate(ref.issuer(), ref.serial(), reason, now)) {
                    LOG.info("revoked certificate serial={} issuer={} reason={}", ref.serial().toString(16),
                            ref.issuer().getName(), reason);
                    changed = true;
                }
            }
            if (mac != null && revocations.revokeMac(mac, reason, now)) {
                LOG.info("revoked device mac={} reason={}", mac, reason);
                changed = true;
            }
            if (changed) {
                writeCrls(hubCa());
            }
            return changed;
        }
    }

    /**
     * Writes {@code crl.pem} as two CRLs: the development manufacturer CA's own, direct CRL for the
     * phones it issued (what openssl and nginx check those phones against), and the hub CA's
     * indirect CRL for certificates of every other manufacturer, whose keys the hub does not hold.
     */
    private List<X509CRL> writeCrls(CertificateAuthority hubCa) {
        CertificateAuthority devCa = devManufacturerCa();
        X500Principal devName = devCa.certificate().getSubjectX500Principal();
        List<CertificateAuthority.RevokedEntry> own = new ArrayList<>();
        List<CertificateAuthority.RevokedEntry> others = new ArrayList<>();
        for (RevocationList.Entry entry : revocations.entries()) {
            if (entry.isCertificate()) {
                X500Principal issuer = new X500Principal(entry.issuer());
                (issuer.equals(devName) ? own : others).add(new CertificateAuthority.RevokedEntry(
                        X500Name.getInstance(issuer.getEncoded()), new BigInteger(entry.serial(), 16),
                        entry.revokedAt(), entry.reason().code()));
            }
        }
        Instant now = clock.instant();
        BigInteger number = revocations.nextCrlNumber();
        List<X509CRL> crls = List.of(devCa.issueCrl(own, now, now.plus(CRL_LIFETIME), number),
                hubCa.issueCrl(others, now, now.plus(CRL_LIFETIME), number));
        PemFiles.writeCrls(file(CRL), crls);
        return crls;
    }

    private CertificateAuthority newRoot(KeyType keyType, String subject) {
        KeyPair keys = keyType.generate();
        return CertificateAuthority.selfSigned(CertificateSpec.forSubject(subject, keys.getPublic())
                .validity(clock.instant().minus(BACKDATE), CA_LIFETIME)
                .certificateAuthority(1), keys);
    }

    private void issueServerCertificate(CertificateAuthority hubCa, KeyType keyType, List<String> names) {
        if (names.isEmpty()) {
            throw new PkiException("the server certificate needs at least one name");
        }
        KeyPair keys = keyType.generate();
        CertificateSpec spec = CertificateSpec.forSubject("CN=" + names.get(0) + ",O=Hub", keys.getPublic())
                .validity(clock.instant().minus(BACKDATE), SERVER_LIFETIME)
                .keyUsage(keyType == KeyType.RSA_3072
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature)
                .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        for (String name : names) {
            if (isIpAddress(name)) {
                spec.ipAddress(name);
            } else {
                spec.dnsName(name);
            }
        }
        X509Certificate certificate = hubCa.issue(spec);
        PemFiles.writePrivateKey(file(SERVER_KEY), keys.getPrivate());
        // The chain, so TLS servers that load this file send the CA along with the leaf.
        PemFiles.writeCertificates(file(SERVER_CERTIFICATE), List.of(certificate, hubCa.certificate()));
    }

    private void writeAuthority(CertificateAuthority authority, String certificateFile, String keyFile) {
        PemFiles.writePrivateKey(file(keyFile), authority.privateKey());
        PemFiles.writeCertificates(file(certificateFile), List.of(authority.certificate()));
    }

    private CertificateAuthority loadAuthority(String certificateFile, String keyFile) {
        requireFile(certificateFile);
        requireFile(keyFile);
        X509Certificate certificate = PemFiles.readCertificate(file(certificateFile));
        PrivateKey key = PemFiles.readPrivateKey(file(keyFile));
        if (!keyMatches(certificate, key)) {
            throw new PkiException(file(keyFile) + " is not the key of " + file(certificateFile));
        }
        return new CertificateAuthority(certificate, key);
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
        try {
            byte[] probe = "hub key check".getBytes(StandardCharsets.US_ASCII);
            String algorithm = KeyType.signatureAlgorithmFor(key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private void checkPair(String certificateFile, String keyFile) {
        boolean certificate = Files.exists(file(certificateFile));
        boolean key = Files.exists(file(keyFile));
        if (certificate != key) {
            String present = certificate ? certificateFile : keyFile;
            String missing = certificate ? keyFile : certificateFile;
            throw new PkiException(file(present) + " exists but " + missing
                    + " does not; restore it or move both away (nothing was changed)");
        }
    }

    private void requireInitialised() {
        if (!isInitialised()) {
            throw new PkiException("no PKI in " + directory + "; run 'hub pki init' first");
        }
    }

    private void requireFile(String name) {
        if (!Files.exists(file(name))) {
            throw new PkiException(file(name) + " does not exist; run 'hub pki init' first");
        }
    }

    private void createDirectory() {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new PkiException("cannot write to " + directory + ": " + PemFiles.oneLine(e));
        }
    }

    private DirectoryLock lock() {
        return DirectoryLock.acquire(directory);
    }

    static boolean isIpAddress(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }

    private static void checkServerName(String name) {
        if (name == null || name.isBlank()) {
            throw new PkiException("empty server name");
        }
        if (isIpAddress(name)) {
            if (IPV4.matcher(name).matches()) {
                for (String part : name.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        throw new PkiException("malformed IPv4 address '" + name + "' in server names");
                    }
                }
            } else if (!name.matches("[0-9A-Fa-f:.]+")) {
                throw new PkiException("malformed IPv6 address '" + name + "' in server names");
            }
        } else if (!DNS_NAME.matcher(name).matches() || name.length() > 253) {
            throw new PkiException("malformed DNS name '" + name + "' in server names");
        }
    }

    private static Set<String> missingNames(X509Certificate certificate, List<String> names) {
        Set<String> covered = new LinkedHashSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    covered.add(String.valueOf(entry.get(1)).toLowerCase(java.util.Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // An unreadable SAN covers nothing.
        }
        Set<String> missing = new LinkedHashSet<>();
        for (String name : names) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            boolean ipv6Loopback = lower.equals("::1") && covered.contains("0:0:0:0:0:0:0:1");
            if (!covered.contains(lower) && !ipv6Loopback) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** What {@link #init} did: the files it created and what it noticed but left alone. */
    public record InitReport(List<String> created, List<String> warnings) {
        public boolean createdNothing() {
            return created.isEmpty();
        }
    }

    /** One certificate issued by {@link #issueDeviceCertificate}, as {@code issued-devices.jsonl} keeps it. */
    public record IssuedDevice(String serial, String issuer, String mac, String model, String fingerprint,
            Instant notAfter) {
    }

    private record CertificateRef(X500Principal issuer, BigInteger serial) {
    }
}
