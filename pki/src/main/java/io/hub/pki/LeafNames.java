package io.hub.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * What identifying a phone reads from its leaf certificate: the MAC its anchor's rule finds there,
 * the model (the subject's OU) and the serial number. Each read parses the certificate's subject (and,
 * for a certificate the native TLS engine handed over, the whole certificate first), so an accepted
 * chain keeps them ({@link KeptPaths}): the same leaf names the same things.
 */
record LeafNames(Optional<MacAddress> certified, Optional<String> model, BigInteger serial) {

    static LeafNames read(X509Certificate leaf, MacRule rule) {
        return new LeafNames(rule.extract(leaf), SubjectNames.first(leaf, BCStyle.OU), leaf.getSerialNumber());
    }
}
