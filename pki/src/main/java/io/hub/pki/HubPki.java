package io.hub.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p>It is the facade callers keep; behind it {@link AuthorityFiles} keeps CA and server
 * certificates with their keys, {@link ServerNames} checks the names a server certificate is for,
 * {@link IssuedDeviceLog} keeps the device certificates issued, and {@link TrustedManufacturers},
 * {@link RevocationList} and {@link ManufacturerCrls} the trust and revocation state.
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

    private final Path directory;
    private final Clock clock;
    private final TrustedManufacturers trusted;
    private final RevocationList revocations;
    private final ManufacturerCrls manufacturerCrls;
    private final java.util.Map<TlsProvider, DeviceCertificateValidator> validators =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AuthorityFiles authorities;
    private final IssuedDeviceLog issuedLog;

    private HubPki(Path directory, Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.trusted = new TrustedManufacturers(this.directory);
        this.revocations = new RevocationList(this.directory);
        this.manufacturerCrls = new ManufacturerCrls(this.directory);
        this.authorities = new AuthorityFiles(this.directory);
        this.issuedLog = new IssuedDeviceLog(this.directory.resolve(ISSUED_DEVICES));
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

    /**
     * The server certificate and its key, read under the lock a renewal holds while it writes them.
     *
     * @throws PkiException when they cannot be read, or the key is not the certificate's
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public ServerCredentials serverCredentials() {
        try (DirectoryLock ignored = lock()) {
            return ServerCredentials.read(file(SERVER_CERTIFICATE), file(SERVER_KEY));
        }
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
        names.forEach(ServerNames::check);
        createDirectory();
        try (DirectoryLock ignored = lock()) {
            List<String> created = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            authorities.checkPair(HUB_CA_CERTIFICATE, HUB_CA_KEY);
            authorities.checkPair(SERVER_CERTIFICATE, SERVER_KEY);
            authorities.checkPair(DEV_MANUFACTURER_CERTIFICATE, DEV_MANUFACTURER_KEY);

            if (!Files.exists(file(HUB_CA_CERTIFICATE))) {
                authorities.write(newRoot(keyType, "CN=Hub Root CA,O=Hub"), HUB_CA_CERTIFICATE, HUB_CA_KEY);
                created.add(HUB_CA_CERTIFICATE);
            }
            CertificateAuthority hubCa = hubCa();
            if (!Files.exists(file(SERVER_CERTIFICATE))) {
                issueServerCertificate(hubCa, keyType, names);
                created.add(SERVER_CERTIFICATE);
            } else {
                X509Certificate server = PemFiles.readCertificate(file(SERVER_CERTIFICATE));
                ServerNames.missingFrom(server, names).forEach(name ->
                        warnings.add(SERVER_CERTIFICATE + " does not cover " + name + "; it was kept as it is"));
                if (!AuthorityFiles.signedBy(server, hubCa.certificate())) {
                    warnings.add(SERVER_CERTIFICATE + " was not issued by " + HUB_CA_CERTIFICATE
                            + "; phones that trust the CA will refuse it (move both server files away to reissue)");
                }
            }
            if (!Files.exists(file(DEV_MANUFACTURER_CERTIFICATE))) {
                authorities.write(newRoot(keyType, "CN=Development Manufacturer CA,OU=Hub development,O=Emulated Phones"),
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

    /**
     * Issues a new server certificate and key from the hub CA, covering the current certificate's
     * names and {@code extraNames}, with the current key's type. The key is written before the
     * certificate (each atomically), so whoever sees the new certificate finds its key; a running hub
     * picks both up without a restart.
     *
     * @return the new certificate
     * @throws PkiException without a PKI, or for a malformed name
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public X509Certificate renewServerCertificate(List<String> extraNames) {
        extraNames.forEach(ServerNames::check);
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            X509Certificate current = PemFiles.readCertificate(file(SERVER_CERTIFICATE));
            LinkedHashSet<String> names = new LinkedHashSet<>(ServerNames.of(current));
            for (String name : extraNames) {
                if (!ServerNames.missingFrom(current, List.of(name)).isEmpty()) {
                    names.add(name);
                }
            }
            KeyType keyType = "EC".equals(current.getPublicKey().getAlgorithm()) ? KeyType.EC_P256 : KeyType.RSA_3072;
            issueServerCertificate(hubCa(), keyType, List.copyOf(names));
            X509Certificate renewed = PemFiles.readCertificate(file(SERVER_CERTIFICATE));
            LOG.info("server certificate renewed serial={} names={} (was serial={})",
                    renewed.getSerialNumber().toString(16), names, current.getSerialNumber().toString(16));
            return renewed;
        }
    }

    /**
     * Makes the server certificate cover {@code names}: when some are missing, renews it
     * ({@link #renewServerCertificate}) with them; otherwise leaves it as it is.
     *
     * @return the names the certificate did not cover and covers now; empty when nothing was renewed
     * @throws PkiException without a PKI, or for a malformed name
     */
    public List<String> coverServerNames(List<String> names) {
        names.forEach(ServerNames::check);
        requireInitialised();
        List<String> missing = List.copyOf(ServerNames.missingFrom(PemFiles.readCertificate(file(SERVER_CERTIFICATE)),
                List.copyOf(new LinkedHashSet<>(names))));
        if (!missing.isEmpty()) {
            renewServerCertificate(missing);
        }
        return missing;
    }

    public CertificateAuthority hubCa() {
        return authorities.load(HUB_CA_CERTIFICATE, HUB_CA_KEY);
    }

    public CertificateAuthority devManufacturerCa() {
        return authorities.load(DEV_MANUFACTURER_CERTIFICATE, DEV_MANUFACTURER_KEY);
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
        return validator(TlsProvider.standard());
    }

    /**
     * The same, checking signatures with the provider that goes with {@code tls}: one validator per
     * provider, so the chains it accepted for the device port are known to SIP-TLS too.
     */
    public DeviceCertificateValidator validator(TlsProvider tls) {
        return validators.computeIfAbsent(tls,
                provider -> new DeviceCertificateValidator(trusted, revocations, manufacturerCrls, clock, provider));
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
            issuedLog.append(new IssuedDevice(issued.certificate().getSerialNumber().toString(16),
                    issued.certificate().getIssuerX500Principal().getName(), request.mac().value(), request.model(),
                    Fingerprints.sha256(issued.certificate()), issued.certificate().getNotAfter().toInstant()));
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

    /** What this PKI decided about each manufacturer CA: the trusted ones and the untrusted. */
    public List<TrustRecord> trustRecords() {
        List<TrustRecord> records = new ArrayList<>();
        for (TrustedManufacturers.Entry entry : trusted.entries()) {
            X509Certificate certificate = PemFiles.readCertificate(directory.resolve(entry.certificateFile()));
            try {
                records.add(new TrustRecord(entry.fingerprint(), entry.name(), certificate.getEncoded(),
                        entry.macRule(), entry.generic(), true, entry.addedAt()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new PkiException("cannot encode trusted CA " + entry.name() + ": " + PemFiles.oneLine(e));
            }
        }
        for (TrustedManufacturers.Untrusted untrusted : trusted.untrusted()) {
            records.add(new TrustRecord(untrusted.fingerprint(), untrusted.name(), null, null, false, false,
                    untrusted.untrustedAt()));
        }
        return records;
    }

    /**
     * Takes up a decision made elsewhere (another node of a cluster) when it is later than this PKI's
     * own about the same CA: trusts the CA under the record's name, rule and time, or untrusts it (its
     * imported CRL dropped). An untrust of a CA this PKI never trusted changes nothing.
     *
     * @return true when this PKI changed
     * @throws PkiException when the record's certificate is not a CA certificate
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public boolean adoptTrust(TrustRecord record) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            java.util.Optional<TrustRecord> own = trustRecords().stream()
                    .filter(r -> r.fingerprint().equals(record.fingerprint())).findFirst();
            if (own.isPresent() && !record.laterThan(own.get())) {
                return false;
            }
            if (record.trusted()) {
                if (own.isPresent() && own.get().trusted() && own.get().macRule().equals(record.macRule())
                        && own.get().generic() == record.generic()) {
                    return false; // trusted alike here, only earlier: nothing to change
                }
                X509Certificate certificate = PemFiles.parseCertificate(record.certificate());
                if (!Fingerprints.sha256(certificate).equals(record.fingerprint())) {
                    throw new PkiException("the shared certificate of " + record.name() + " does not match its "
                            + "fingerprint " + record.fingerprint());
                }
                trusted.trust(List.of(certificate), "shared CA " + record.name(), Optional.of(record.name()),
                        MacRule.parse(record.macRule()), record.generic(), record.decidedAt());
                LOG.info("trusted manufacturer CA taken up name={} rule={} generic={} fingerprint={}", record.name(),
                        record.macRule(), record.generic(), record.fingerprint());
                return true;
            }
            if (own.isEmpty() || !own.get().trusted()) {
                return false;
            }
            TrustedManufacturers.Entry removed = trusted.untrust(own.get().name(), record.decidedAt());
            manufacturerCrls.remove(removed.name());
            LOG.info("untrusted manufacturer CA taken up name={} fingerprint={}", removed.name(), removed.fingerprint());
            return true;
        }
    }

    /** The imported CRL of each trusted CA that has one, by the CA's fingerprint; a damaged one is left out. */
    public java.util.Map<String, X509CRL> importedCrls() {
        java.util.Map<String, X509CRL> crls = new java.util.LinkedHashMap<>();
        for (TrustedManufacturer anchor : trusted.list()) {
            try {
                manufacturerCrls.of(anchor).ifPresent(crl -> crls.put(Fingerprints.sha256(anchor.certificate()), crl));
            } catch (PkiException e) {
                LOG.warn("imported CRL of {} left out: {}", anchor.name(), e.getMessage());
            }
        }
        return crls;
    }

    /**
     * Takes up a CRL imported elsewhere (another node of a cluster) for the trusted CA with fingerprint
     * {@code caFingerprint}, when it is newer than the one imported here.
     *
     * @return true when it was imported; false when the CA is not trusted here or the CRL is not newer
     * @throws PkiException when the CRL is refused (not signed by the CA, stale, partial: the message says why)
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public boolean adoptCrl(String caFingerprint, X509CRL crl) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            Optional<TrustedManufacturer> anchor = trusted.list().stream()
                    .filter(t -> Fingerprints.sha256(t.certificate()).equals(caFingerprint)).findFirst();
            if (anchor.isEmpty()) {
                return false;
            }
            Optional<X509CRL> own = manufacturerCrls.of(anchor.get());
            if (own.isPresent() && !ManufacturerCrls.newer(crl, own.get())) {
                return false;
            }
            ManufacturerCrls.Imported imported = manufacturerCrls.importCrl(anchor.get(), crl, "shared CRL of "
                    + anchor.get().name(), clock.instant());
            LOG.info("manufacturer CRL taken up ca={} {} revoked={}", anchor.get().name(),
                    ManufacturerCrls.describe(imported.crl()), imported.revokedCount());
            return true;
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

    /**
     * Takes up revocations made elsewhere (another node of a cluster): every entry of {@code entries}
     * this PKI does not hold yet is added, with its reason, and the CRL republished once.
     *
     * @return how many entries were added
     */
    @SuppressWarnings("try") // the lock is held for the block; its variable is never read
    public int adoptRevocations(List<RevocationList.Entry> entries) {
        requireInitialised();
        try (DirectoryLock ignored = lock()) {
            int added = 0;
            for (RevocationList.Entry entry : entries) {
                boolean changed = entry.isCertificate()
                        ? revocations.revokeCertificate(new X500Principal(entry.issuer()), new BigInteger(entry.serial(),
                                16), entry.reason(), entry.revokedAt())
                        : entry.mac() != null && revocations.revokeMac(MacAddress.parse(entry.mac()), entry.reason(),
                                entry.revokedAt());
                if (changed) {
                    LOG.info("revocation taken up serial={} issuer={} mac={} reason={}", entry.serial(), entry.issuer(),
                            entry.mac(), entry.reason());
                    added++;
                }
            }
            if (added > 0) {
                writeCrls(hubCa());
            }
            return added;
        }
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
        return issuedLog.read();
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
            if (ServerNames.isIpAddress(name)) {
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

    private void requireInitialised() {
        if (!isInitialised()) {
            throw new PkiException("no PKI in " + directory + "; run 'hub pki init' first");
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
