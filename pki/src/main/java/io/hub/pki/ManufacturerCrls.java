package io.hub.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.PEMParser;

/**
 * The CRLs manufacturers publish for their trusted CAs, imported by hand ({@code hub pki crl-import})
 * and kept as {@code manufacturer-crls/NAME.pem}, one per trusted CA. A CRL covers the certificates
 * its CA signed directly: phones, or the intermediates every phone below them depends on.
 *
 * <p>An import is checked as the validator will rely on it: signed by that CA's key with a strong
 * algorithm, complete (no delta, no critical extension the hub does not process), with a next
 * update still ahead, and newer than the CRL it replaces. Reads reload a file when it changes, as
 * {@link RevocationList} does, and check its signature again, so a file put there by other means
 * than an import is not believed.
 */
public final class ManufacturerCrls {

    static final String DIRECTORY = "manufacturer-crls";

    private final Path pkiDirectory;
    private final Map<String, Loaded> loaded = new HashMap<>();

    ManufacturerCrls(Path pkiDirectory) {
        this.pkiDirectory = pkiDirectory;
    }

    /**
     * The imported CRL of {@code anchor}, if one was imported.
     *
     * @throws PkiException when the stored file is unreadable or not signed by that CA, so that a
     *     damaged CRL refuses rather than silently revoking nothing
     */
    public synchronized Optional<X509CRL> of(TrustedManufacturer anchor) {
        Path file = file(anchor.name());
        Object version = JsonFiles.version(file);
        if (version == null) {
            loaded.remove(anchor.name());
            return Optional.empty();
        }
        String fingerprint = Fingerprints.sha256(anchor.certificate());
        Loaded current = loaded.get(anchor.name());
        if (current == null || !current.version().equals(version) || !current.anchorFingerprint().equals(fingerprint)) {
            X509CRL crl = parse(file);
            String problem = problem(crl, anchor);
            if (problem != null) {
                throw new PkiException(file + ": " + problem);
            }
            current = new Loaded(version, fingerprint, crl);
            loaded.put(anchor.name(), current);
        }
        return Optional.of(current.crl());
    }

    /**
     * Imports {@code source} (one X.509 CRL, PEM or DER) as the CRL of {@code ca}, replacing the
     * imported one only when the new one is newer (a higher CRL number, or else a later thisUpdate).
     *
     * @throws PkiException when the file is no CRL, is not signed by {@code ca}, is weakly signed,
     *     is a delta or partial CRL, has no next update or one already past, or is not newer
     */
    synchronized Imported importCrl(TrustedManufacturer ca, Path source, Instant now) {
        return importCrl(ca, parse(source), source.toString(), now);
    }

    /** Imports {@code crl} as {@link #importCrl(TrustedManufacturer, Path, Instant)} does; {@code source} names it in messages. */
    synchronized Imported importCrl(TrustedManufacturer ca, X509CRL crl, String source, Instant now) {
        String problem = problem(crl, ca);
        if (problem != null) {
            throw new PkiException(source + ": " + problem);
        }
        if (crl.getNextUpdate() == null) {
            throw new PkiException(source + ": the CRL has no nextUpdate, so nothing tells when it goes stale");
        }
        if (!crl.getNextUpdate().toInstant().isAfter(now)) {
            throw new PkiException(source + ": the CRL's nextUpdate " + crl.getNextUpdate().toInstant()
                    + " has passed; ask the manufacturer for a current one");
        }
        Path target = file(ca.name());
        Outcome outcome = Outcome.IMPORTED;
        if (Files.exists(target)) {
            X509CRL stored = parse(target);
            if (sameEncoding(stored, crl)) {
                return new Imported(ca.name(), crl, Outcome.UNCHANGED);
            }
            if (!newer(crl, stored)) {
                throw new PkiException(source + " (" + describe(crl) + ") is not newer than the imported CRL of "
                        + ca.name() + " (" + describe(stored) + "); it was kept");
            }
            outcome = Outcome.REPLACED;
        }
        SecureFiles.writeAtomically(target, PemFiles.toPem(crl).getBytes(StandardCharsets.US_ASCII), false);
        loaded.remove(ca.name());
        return new Imported(ca.name(), crl, outcome);
    }

    /**
     * A value that changes whenever an imported CRL is added, replaced or removed, also by another
     * process; compared with {@code equals}. Reads only the directory, not the CRLs.
     */
    public List<Object> state() {
        Path directory = pkiDirectory.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".pem")).sorted()
                    .map(file -> (Object) java.util.Arrays.asList(file.getFileName().toString(),
                            JsonFiles.version(file)))
                    .toList();
        } catch (IOException e) {
            return List.of(new Object()); // unreadable: counts as a change, so flows are judged again
        }
    }

    /** Forgets the CRL of a CA that is no longer trusted. */
    synchronized void remove(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new PkiException("cannot remove " + file(name) + ": " + PemFiles.oneLine(e));
        } finally {
            LocalWrites.happened();
        }
        loaded.remove(name);
    }

    Path file(String name) {
        return pkiDirectory.resolve(DIRECTORY).resolve(name + ".pem");
    }

    /** The CRL number, or null when the CRL carries none. */
    static BigInteger number(X509CRL crl) {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (value == null) {
            return null;
        }
        try {
            return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value)).getValue();
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String problem(X509CRL crl, TrustedManufacturer ca) {
        if (!crl.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
            return "the CRL is issued by " + crl.getIssuerX500Principal().getName() + ", not by trusted CA "
                    + ca.name() + " (" + ca.certificate().getSubjectX500Principal().getName() + ")";
        }
        try {
            crl.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return "the CRL's signature does not verify with the key of trusted CA " + ca.name();
        }
        String weak = SignatureStrength.weakness(crl);
        if (weak != null) {
            return "the CRL is signed with " + weak + ", a weak signature algorithm";
        }
        boolean[] keyUsage = ca.certificate().getKeyUsage();
        if (keyUsage != null && (keyUsage.length < 7 || !keyUsage[6])) {
            return "trusted CA " + ca.name() + " may not sign CRLs (its key usage lacks cRLSign)";
        }
        Set<String> critical = crl.getCriticalExtensionOIDs();
        if (critical != null && !critical.isEmpty()) {
            return "the CRL has critical extension(s) " + critical + " (a delta or partial CRL); import the "
                    + "CA's complete CRL";
        }
        return null;
    }

    /** True when {@code candidate} replaces {@code stored}: a higher CRL number, or else a later thisUpdate. */
    public static boolean newer(X509CRL candidate, X509CRL stored) {
        BigInteger candidateNumber = number(candidate);
        BigInteger storedNumber = number(stored);
        if (candidateNumber != null && storedNumber != null && !candidateNumber.equals(storedNumber)) {
            return candidateNumber.compareTo(storedNumber) > 0;
        }
        return candidate.getThisUpdate().after(stored.getThisUpdate());
    }

    private static boolean sameEncoding(X509CRL first, X509CRL second) {
        try {
            return java.util.Arrays.equals(first.getEncoded(), second.getEncoded());
        } catch (CRLException e) {
            return false;
        }
    }

    /** The CRL number and thisUpdate, as messages name a CRL. */
    public static String describe(X509CRL crl) {
        BigInteger number = number(crl);
        return (number == null ? "no CRL number" : "CRL number " + number) + ", thisUpdate "
                + crl.getThisUpdate().toInstant();
    }

    /** Reads one CRL, PEM ({@code -----BEGIN X509 CRL-----}) or DER. */
    static X509CRL parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PkiException(file + " does not exist");
        } catch (IOException e) {
            throw new PkiException(file + " cannot be read: " + PemFiles.oneLine(e));
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<X509CRL> crls = new ArrayList<>();
        try {
            if (text.contains("-----BEGIN X509 CRL-----")) {
                try (PEMParser parser = new PEMParser(new StringReader(text))) {
                    Object object;
                    while ((object = parser.readObject()) != null) {
                        if (object instanceof X509CRLHolder holder) {
                            crls.add(new JcaX509CRLConverter().getCRL(holder));
                        }
                    }
                }
            } else {
                crls.add((X509CRL) CertificateFactory.getInstance("X.509")
                        .generateCRL(new ByteArrayInputStream(bytes)));
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new PkiException(file + " is not an X.509 CRL (PEM or DER): " + PemFiles.oneLine(e));
        }
        if (crls.size() != 1 || crls.get(0) == null) {
            throw new PkiException(file + " holds " + crls.size() + " CRLs; import exactly one");
        }
        return crls.get(0);
    }

    /** How an import went. */
    public enum Outcome {
        IMPORTED, REPLACED, UNCHANGED
    }

    /** The CRL now in force for {@code caName}, and whether the import changed anything. */
    public record Imported(String caName, X509CRL crl, Outcome outcome) {
        public Imported {
            Objects.requireNonNull(crl, "crl");
        }

        public int revokedCount() {
            return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
        }
    }

    private record Loaded(Object version, String anchorFingerprint, X509CRL crl) {
    }
}
