package io.hub.pki;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's certificate chain and the key of its leaf, checked to belong together. A renewal (by
 * the hub itself when a cluster node appears, or by {@code hub pki renew-server} in another process)
 * writes the key and then the certificate, so two reads of the files can straddle it and find the
 * new key beside the old certificate. A TLS context built from such a pair fails every handshake
 * with an internal_error alert. {@link HubPki#serverCredentials()} reads the pair under the lock
 * renewals hold, and every server port is given that one pair instead of reading the files itself.
 */
public record ServerCredentials(List<X509Certificate> chain, PrivateKey key) {

    public ServerCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new PkiException("a server certificate chain needs at least its leaf");
        }
    }

    /**
     * The chain in {@code certificateFile} and the key in {@code keyFile}.
     *
     * @throws PkiException when a file cannot be read, or the key is not the leaf's (files replaced
     *     by hand, one of the two so far)
     */
    public static ServerCredentials read(Path certificateFile, Path keyFile) {
        ServerCredentials read = new ServerCredentials(PemFiles.readCertificates(certificateFile),
                PemFiles.readPrivateKey(keyFile));
        if (!read.keyMatches()) {
            throw new PkiException(keyFile + " is not the key of the certificate in " + certificateFile);
        }
        return read;
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The leaf's SHA-256 fingerprint: what tells one served certificate from the next. */
    public String fingerprint() {
        return Fingerprints.sha256(leaf());
    }

    /** True when the key is the leaf's: a signature by it verifies with the leaf's public key. */
    public boolean keyMatches() {
        return AuthorityFiles.keyMatches(leaf(), key);
    }
}
