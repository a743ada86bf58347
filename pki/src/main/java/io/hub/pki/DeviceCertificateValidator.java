package io.hub.pki;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a phone's factory certificate chain proves which phone it is.
 *
 * <p>The chain is the one the phone presented, leaf first; intermediates may follow in any order.
 * A path is built from the leaf up to a {@linkplain TrustedManufacturers trusted manufacturer CA},
 * and then judged in a fixed order, the first failure deciding the {@link RefusalCause}:
 * issuer known, signatures (they verify, then none below the anchor uses SHA-1, MD5 or MD2), path
 * rules (CA flags, key usage, then the constraints of every CA above, the trust anchor's own
 * included: CA flag, keyCertSign, path length, name constraints), validity dates, then the JDK's
 * PKIX validator over the same path (critical extensions, name chaining: a rule this class forgets
 * still refuses), revocation (of any certificate of the path, the anchor included, by the hub's
 * {@link RevocationList}, then by the anchor's imported {@linkplain ManufacturerCrls CRL}, which
 * must not be past its next update), key strength, clientAuth usage, the MAC.
 *
 * <p>Time comes from the injected {@link Clock}. The validator is thread-safe.
 */
public final class DeviceCertificateValidator {

    private static final int MAX_PATH_LENGTH = 6;
    /** A phone sends its leaf and a few intermediates; more is noise or an attack. */
    private static final int MAX_PRESENTED = 10;
    /** Bounds the work of path building over certificates that share a name. */
    private static final int MAX_SIGNATURE_CHECKS = 24;
    private static final Set<ASN1ObjectIdentifier> ACCEPTED_CURVES =
            Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);
    private static final String CLIENT_AUTH = KeyPurposeId.id_kp_clientAuth.getId();
    private static final String ANY_PURPOSE = KeyPurposeId.anyExtendedKeyUsage.getId();
    private static final Logger LOG = LoggerFactory.getLogger(DeviceCertificateValidator.class);

    private final TrustedManufacturers trusted;
    private final RevocationList revocations;
    private final ManufacturerCrls crls;
    private final Clock clock;
    /** Where signatures are checked: a registered provider, or null for the JDK's default. */
    private final Provider signatureProvider;
    /** The files' state, looked at once a window; validity dates come from {@link #clock}. */
    private final RecentLook<Object> state;
    private final KeptPaths keptPaths = new KeptPaths(KeptPaths.MAX);
    /** Chains judged in full: path built, every check run (those not answered from {@link #keptPaths}). */
    private final AtomicLong judged = new AtomicLong();

    /** Checks signatures with the provider beside the {@linkplain TlsProvider#standard() standard} TLS. */
    public DeviceCertificateValidator(TrustedManufacturers trusted, RevocationList revocations,
            ManufacturerCrls crls, Clock clock) {
        this(trusted, revocations, crls, clock, TlsProvider.standard());
    }

    /** Checks signatures with the provider that goes with {@code tls} (natively with Conscrypt). */
    public DeviceCertificateValidator(TrustedManufacturers trusted, RevocationList revocations,
            ManufacturerCrls crls, Clock clock, TlsProvider tls) {
        this(trusted, revocations, crls, clock, tls, System::nanoTime);
    }

    /** As the public constructor, with the monotonic clock of the look window given (tests). */
    DeviceCertificateValidator(TrustedManufacturers trusted, RevocationList revocations, ManufacturerCrls crls,
            Clock clock, TlsProvider tls, LongSupplier nanoTime) {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.crls = Objects.requireNonNull(crls, "crls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = new RecentLook<>(() -> List.of(revocations.entries(), trusted.state(), crls.state()),
                Objects.requireNonNull(nanoTime, "nanoTime"));
        String signatures = tls.signatureProvider();
        this.signatureProvider = signatures == null ? null : Security.getProvider(signatures);
    }

    /**
     * A value that changes whenever this validator's answers may have changed: revocations, trusted
     * and untrusted CAs, imported manufacturer CRLs. Compared with {@code equals}; a verdict kept
     * beside the state it was reached in stays true while the state is equal (only the clock can
     * change it then). A change this process makes is seen by the next call; a change another
     * process makes to the files, by the first call {@link RecentLook#EVERY_NANOS} or more after it.
     */
    public Object state() {
        return state.get();
    }

    /** Accepted chains kept with what their acceptance rested on (a gauge's reading). */
    public long keptPaths() {
        return keptPaths.size();
    }

    /** Chains judged in full since this validator was made. */
    long judged() {
        return judged.get();
    }

    /**
     * Validates {@code chain} for a request that names {@code requestedMac} (empty when the request
     * names none, as discovery does).
     *
     * @return the identity, or the refusal with a detail; never null, never throws for bad input
     */
    public DeviceValidation validate(List<X509Certificate> chain, Optional<MacAddress> requestedMac) {
        if (chain == null || chain.isEmpty() || chain.get(0) == null) {
            return DeviceValidation.refused(RefusalCause.NO_CERTIFICATE, "no client certificate", "");
        }
        X509Certificate leaf = chain.get(0);
        String fingerprint = Fingerprints.sha256(leaf);
        Optional<MacAddress> requested = requestedMac == null ? Optional.empty() : requestedMac;
        try {
            List<X509Certificate> presented = chain.stream().filter(Objects::nonNull).toList();
            // Read before judging: a change landing meanwhile leaves what is kept in an older state.
            Object state = state();
            long now = clock.millis();
            List<String> key = KeptPaths.key(presented, fingerprint);
            Optional<KeptPaths.Acceptance> kept = keptPaths.accepted(key, state, now);
            if (kept.isPresent()) {
                return identify(leaf, kept.get(), requested, fingerprint);
            }
            judged.incrementAndGet();
            PathResult path = buildPath(presented);
            if (path.refusal != null) {
                return DeviceValidation.refused(path.refusal, path.detail, fingerprint);
            }
            Refusal refusal = firstRefusal(path.certificates, path.anchor);
            if (refusal != null) {
                return DeviceValidation.refused(refusal.cause, refusal.detail, fingerprint);
            }
            KeptPaths.Acceptance acceptance = new KeptPaths.Acceptance(path.anchor,
                    LeafNames.read(leaf, path.anchor.macRule()));
            keptPaths.keep(key, path.certificates, acceptance, state, crls.of(path.anchor));
            return identify(leaf, acceptance, requested, fingerprint);
        } catch (RuntimeException e) {
            // A hostile chain or a damaged trust store must refuse, never escape as an exception.
            LOG.warn("certificate validation failed unexpectedly fingerprint={}: {}", fingerprint, e.toString());
            return DeviceValidation.refused(RefusalCause.INVALID_CHAIN, "validation failed: " + PemFiles.oneLine(e),
                    fingerprint);
        }
    }

    /**
     * Builds a path from the leaf to a trusted CA through the presented certificates, trying every
     * candidate issuer (two CAs may share a name across a key rollover). The first path whose
     * signatures all verify wins; otherwise the refusal of the deepest attempt is reported.
     */
    private PathResult buildPath(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(chain.get(0));
        if (chain.size() > MAX_PRESENTED) {
            return new PathResult(path, null, RefusalCause.INVALID_CHAIN, "the client presented " + chain.size()
                    + " certificates; at most " + MAX_PRESENTED + " are read");
        }
        return extend(chain, path, new int[] {MAX_SIGNATURE_CHECKS});
    }

    private PathResult extend(List<X509Certificate> chain, List<X509Certificate> path, int[] budget) {
        X509Certificate current = path.get(path.size() - 1);
        if (budget[0] <= 0) {
            return new PathResult(path, null, RefusalCause.INVALID_CHAIN,
                    "too many candidate issuers to try (" + MAX_SIGNATURE_CHECKS + " signatures checked)");
        }
        if (path.size() > MAX_PATH_LENGTH) {
            return new PathResult(path, null, RefusalCause.INVALID_CHAIN,
                    "no trusted CA within " + MAX_PATH_LENGTH + " certificates");
        }
        List<TrustedManufacturer> anchors = anchorsNamed(current);
        for (TrustedManufacturer anchor : anchors) {
            budget[0]--;
            if (verifies(current, anchor.certificate().getPublicKey())) {
                return new PathResult(List.copyOf(path), anchor, null, null);
            }
        }
        PathResult best = anchors.isEmpty() ? null : new PathResult(path, null, RefusalCause.BAD_SIGNATURE,
                "signature of " + subject(current) + " does not verify with trusted CA " + anchors.get(0).name());
        for (X509Certificate issuer : presentedIssuers(chain, current)) {
            if (path.contains(issuer)) {
                continue;
            }
            budget[0]--;
            if (!verifies(current, issuer.getPublicKey())) {
                if (best == null) {
                    best = new PathResult(path, null, RefusalCause.BAD_SIGNATURE,
                            "signature of " + subject(current) + " does not verify with " + subject(issuer));
                }
                continue;
            }
            path.add(issuer);
            PathResult result = extend(chain, path, budget);
            path.remove(path.size() - 1);
            if (result.refusal == null) {
                return result;
            }
            if (best == null || best.refusal == RefusalCause.UNKNOWN_ISSUER) {
                best = result;
            }
        }
        return best != null ? best : new PathResult(path, null, RefusalCause.UNKNOWN_ISSUER,
                "issuer " + current.getIssuerX500Principal().getName() + " is not a trusted manufacturer CA");
    }

    private List<TrustedManufacturer> anchorsNamed(X509Certificate certificate) {
        List<TrustedManufacturer> anchors = new ArrayList<>();
        for (TrustedManufacturer manufacturer : trusted.list()) {
            if (manufacturer.certificate().getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                anchors.add(manufacturer);
            }
        }
        return anchors;
    }

    private static List<X509Certificate> presentedIssuers(List<X509Certificate> chain, X509Certificate certificate) {
        List<X509Certificate> issuers = new ArrayList<>();
        for (X509Certificate candidate : chain) {
            if (candidate != certificate
                    && candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                    && !candidate.getSubjectX500Principal().equals(certificate.getSubjectX500Principal())) {
                issuers.add(candidate);
            }
        }
        return issuers;
    }

    private Refusal firstRefusal(List<X509Certificate> path, TrustedManufacturer anchor) {
        X509Certificate leaf = path.get(0);
        for (X509Certificate certificate : path) {
            String weak = SignatureStrength.weakness(certificate);
            if (weak != null) {
                return new Refusal(RefusalCause.WEAK_SIGNATURE, subject(certificate) + " is signed with " + weak);
            }
        }
        if (leaf.getBasicConstraints() >= 0) {
            return new Refusal(RefusalCause.INVALID_CHAIN, subject(leaf) + " is a CA certificate, not a phone's");
        }
        for (int i = 1; i < path.size(); i++) {
            X509Certificate intermediate = path.get(i);
            if (intermediate.getBasicConstraints() < 0) {
                return new Refusal(RefusalCause.INVALID_CHAIN, subject(intermediate) + " is not a CA");
            }
            boolean[] keyUsage = intermediate.getKeyUsage();
            if (keyUsage != null && !keyUsage[5]) {
                return new Refusal(RefusalCause.INVALID_CHAIN, subject(intermediate) + " may not sign certificates");
            }
            String usage = purposeProblem(intermediate, false);
            if (usage != null) {
                return new Refusal(RefusalCause.INVALID_CHAIN, usage);
            }
        }
        String constraint = PathConstraints.violation(path, anchor);
        if (constraint != null) {
            return new Refusal(RefusalCause.INVALID_CHAIN, constraint);
        }
        Date now = Date.from(clock.instant());
        List<X509Certificate> withAnchor = new ArrayList<>(path);
        withAnchor.add(anchor.certificate());
        for (X509Certificate certificate : withAnchor) {
            try {
                certificate.checkValidity(now);
            } catch (CertificateExpiredException e) {
                return new Refusal(RefusalCause.EXPIRED, subject(certificate) + " expired on "
                        + certificate.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                return new Refusal(RefusalCause.NOT_YET_VALID, subject(certificate) + " is valid from "
                        + certificate.getNotBefore().toInstant());
            }
        }
        Refusal structure = pkixBackstop(path, anchor.certificate(), now);
        if (structure != null) {
            return structure;
        }
        X500Principal anchorName = anchor.certificate().getSubjectX500Principal();
        for (X509Certificate certificate : withAnchor) {
            if (revocations.isRevoked(certificate)
                    || revocations.isRevoked(anchorName, certificate.getSerialNumber())) {
                return new Refusal(RefusalCause.REVOKED, "certificate " + certificate.getSerialNumber().toString(16)
                        + " of " + subject(certificate) + " is revoked");
            }
        }
        Refusal byManufacturer = manufacturerRevocation(path.get(path.size() - 1), anchor, now);
        if (byManufacturer != null) {
            return byManufacturer;
        }
        for (X509Certificate certificate : withAnchor) {
            String weakness = keyWeakness(certificate.getPublicKey());
            if (weakness != null) {
                return new Refusal(RefusalCause.WEAK_KEY, subject(certificate) + " has " + weakness);
            }
        }
        String usage = purposeProblem(leaf, true);
        if (usage != null) {
            return new Refusal(RefusalCause.MISSING_CLIENT_AUTH, usage);
        }
        return null;
    }

    /**
     * The anchor's imported CRL speaks for the certificate the anchor signed directly, and through
     * it for the whole path below. A CRL past its next update no longer says that nothing else was
     * revoked, so every path under that anchor is refused until a fresh one is imported.
     */
    private Refusal manufacturerRevocation(X509Certificate issuedByAnchor, TrustedManufacturer anchor, Date now) {
        Optional<X509CRL> imported = crls.of(anchor);
        if (imported.isEmpty()) {
            return null;
        }
        X509CRL crl = imported.get();
        X509CRLEntry entry = crl.getRevokedCertificate(issuedByAnchor);
        if (entry != null) {
            return new Refusal(RefusalCause.REVOKED, "certificate " + issuedByAnchor.getSerialNumber().toString(16)
                    + " of " + subject(issuedByAnchor) + " is revoked by the CRL of " + anchor.name() + " since "
                    + entry.getRevocationDate().toInstant()
                    + (entry.getRevocationReason() == null ? "" : " (" + entry.getRevocationReason() + ")"));
        }
        if (crl.getNextUpdate() == null || !now.before(crl.getNextUpdate())) {
            return new Refusal(RefusalCause.CRL_EXPIRED, "the CRL of " + anchor.name() + " was due for renewal at "
                    + (crl.getNextUpdate() == null ? "its issue" : crl.getNextUpdate().toInstant())
                    + "; import a current one with 'hub pki crl-import --ca " + anchor.name() + "'");
        }
        return null;
    }

    private DeviceValidation identify(X509Certificate leaf, KeptPaths.Acceptance acceptance,
            Optional<MacAddress> requestedMac, String fingerprint) {
        TrustedManufacturer anchor = acceptance.anchor();
        LeafNames names = acceptance.names();
        Optional<MacAddress> certified = names.certified();
        MacAddress mac;
        TrustLevel level;
        if (certified.isPresent() && !anchor.generic()) {
            mac = certified.get();
            level = TrustLevel.MAC_ATTESTED;
        } else if (anchor.generic() && (certified.isPresent() || requestedMac.isPresent())) {
            mac = certified.orElseGet(requestedMac::get);
            level = TrustLevel.VENDOR_ONLY;
        } else {
            return DeviceValidation.refused(RefusalCause.NO_MAC, "no MAC in " + subject(leaf) + " by rule "
                    + anchor.macRule() + " of " + anchor.name(), fingerprint);
        }
        if (requestedMac.isPresent() && !requestedMac.get().equals(mac)) {
            return DeviceValidation.refused(RefusalCause.MAC_MISMATCH, "certificate is for " + mac
                    + ", request is for " + requestedMac.get(), fingerprint);
        }
        if (revocations.isRevoked(mac)) {
            return DeviceValidation.refused(RefusalCause.REVOKED, "device " + mac + " is revoked", fingerprint);
        }
        return DeviceValidation.accepted(new DeviceIdentity(mac, names.model(), fingerprint, names.serial(),
                anchor.name(), level));
    }

    private boolean verifies(X509Certificate certificate, PublicKey issuerKey) {
        try {
            // A certificate keeps the outcome for the key and the provider's name, so the PKIX backstop,
            // asked to use the same provider, does not check the same signature again.
            certificate.verify(issuerKey, providerFor(List.of(certificate)));
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Null for an acceptable key, or what is wrong with it. */
    static String keyWeakness(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits < 2048 ? "an RSA key of " + bits + " bits" : null;
        }
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())) {
            Object parameters = info.getAlgorithm().getParameters();
            if (parameters instanceof ASN1ObjectIdentifier curve && ACCEPTED_CURVES.contains(curve)) {
                return null;
            }
            return "an EC key on curve " + parameters + ", not P-256 or P-384";
        }
        return "a " + key.getAlgorithm() + " key, neither RSA nor EC";
    }

    /**
     * Null when the certificate may serve TLS client authentication, else why not. A leaf must name
     * clientAuth; a CA may also have no extended key usage at all or anyExtendedKeyUsage.
     */
    private static String purposeProblem(X509Certificate certificate, boolean leaf) {
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            if (purposes == null) {
                return leaf ? subject(certificate) + " has no extended key usage (clientAuth required)" : null;
            }
            if (!purposes.contains(CLIENT_AUTH) && (leaf || !purposes.contains(ANY_PURPOSE))) {
                return subject(certificate) + " has extended key usage " + purposes + " without clientAuth";
            }
        } catch (CertificateParsingException e) {
            return subject(certificate) + " has an unreadable extended key usage";
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (leaf && keyUsage != null && !keyUsage[0]) {
            return subject(certificate) + " has key usage without digitalSignature";
        }
        return null;
    }

    /**
     * The provider to check these certificates' signatures with: the native one when it knows every
     * algorithm among them, else the JDK's (null), which knows more (RSASSA-PSS, for one).
     */
    private String providerFor(List<X509Certificate> certificates) {
        if (signatureProvider == null) {
            return null;
        }
        for (X509Certificate certificate : certificates) {
            if (signatureProvider.getService("Signature", certificate.getSigAlgName()) == null) {
                return null;
            }
        }
        return signatureProvider.getName();
    }

    private Refusal pkixBackstop(List<X509Certificate> path, X509Certificate anchor, Date now) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            // The JDK takes the anchor as a bare name and key (it refuses name constraints on a trust
            // anchor outright), so the anchor's own constraints are PathConstraints' job, done before.
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            parameters.setSigProvider(providerFor(path));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return null;
        } catch (CertPathValidatorException e) {
            RefusalCause cause = e.getReason() == BasicReason.INVALID_SIGNATURE ? RefusalCause.BAD_SIGNATURE
                    : e.getReason() == BasicReason.EXPIRED ? RefusalCause.EXPIRED
                    : e.getReason() == BasicReason.NOT_YET_VALID ? RefusalCause.NOT_YET_VALID
                    : e.getReason() == BasicReason.ALGORITHM_CONSTRAINED ? RefusalCause.WEAK_KEY
                    : RefusalCause.INVALID_CHAIN;
            return new Refusal(cause, "PKIX: " + PemFiles.oneLine(e));
        } catch (GeneralSecurityException e) {
            return new Refusal(RefusalCause.INVALID_CHAIN, "PKIX: " + PemFiles.oneLine(e));
        }
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    private record PathResult(List<X509Certificate> certificates, TrustedManufacturer anchor, RefusalCause refusal,
            String detail) {
    }

    private record Refusal(RefusalCause cause, String detail) {
    }
}
