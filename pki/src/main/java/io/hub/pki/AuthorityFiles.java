package io.hub.pki;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate and its key as two PEM files in the PKI directory: written (the key first, 0600),
 * read back with a check that the key is the certificate's, and refused when one is there without
 * the other, which only a person can sort out.
 */
final class AuthorityFiles {

    private final Path directory;

    AuthorityFiles(Path directory) {
        this.directory = directory;
    }

    private Path file(String name) {
        return directory.resolve(name);
    }

    void write(CertificateAuthority authority, String certificateFile, String keyFile) {
        PemFiles.writePrivateKey(file(keyFile), authority.privateKey());
        PemFiles.writeCertificates(file(certificateFile), List.of(authority.certificate()));
    }

    CertificateAuthority load(String certificateFile, String keyFile) {
        requireFile(certificateFile);
        requireFile(keyFile);
        X509Certificate certificate = PemFiles.readCertificate(file(certificateFile));
        PrivateKey key = PemFiles.readPrivateKey(file(keyFile));
        if (!keyMatches(certificate, key)) {
            throw new PkiException(file(keyFile) + " is not the key of " + file(certificateFile));
        }
        return new CertificateAuthority(certificate, key);
    }

    /** @throws PkiException when one of the pair exists without the other */
    void checkPair(String certificateFile, String keyFile) {
        boolean certificate = Files.exists(file(certificateFile));
        boolean key = Files.exists(file(keyFile));
        if (certificate != key) {
            String present = certificate ? certificateFile : keyFile;
            String missing = certificate ? keyFile : certificateFile;
            throw new PkiException(file(present) + " exists but " + missing
                    + " does not; restore it or move both away (nothing was changed)");
        }
    }

    void requireFile(String name) {
        if (!Files.exists(file(name))) {
            throw new PkiException(file(name) + " does not exist; run 'hub pki init' first");
        }
    }

    static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** True when a signature by {@code key} verifies with {@code certificate}'s public key. */
    static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
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
}
