package io.hub.pki;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Which signature algorithms no longer prove anything: those over MD2, MD4, MD5 and SHA-1, where a
 * collision lets a forger carry a CA's signature over to a certificate the CA never saw. Judged by
 * the algorithm identifier, so RSASSA-PSS over SHA-1 (its default hash) is caught as well.
 */
final class SignatureStrength {

    private static final Map<String, String> WEAK = Map.ofEntries(
            Map.entry(PKCSObjectIdentifiers.md2WithRSAEncryption.getId(), "MD2withRSA"),
            Map.entry(PKCSObjectIdentifiers.md4WithRSAEncryption.getId(), "MD4withRSA"),
            Map.entry(PKCSObjectIdentifiers.md5WithRSAEncryption.getId(), "MD5withRSA"),
            Map.entry(PKCSObjectIdentifiers.sha1WithRSAEncryption.getId(), "SHA1withRSA"),
            Map.entry(OIWObjectIdentifiers.md5WithRSA.getId(), "MD5withRSA"),
            Map.entry(OIWObjectIdentifiers.sha1WithRSA.getId(), "SHA1withRSA"),
            Map.entry(OIWObjectIdentifiers.dsaWithSHA1.getId(), "SHA1withDSA"),
            Map.entry(X9ObjectIdentifiers.ecdsa_with_SHA1.getId(), "SHA1withECDSA"),
            Map.entry(X9ObjectIdentifiers.id_dsa_with_sha1.getId(), "SHA1withDSA"));
    private static final Map<String, String> WEAK_DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1.getId(), "SHA-1",
            PKCSObjectIdentifiers.md5.getId(), "MD5",
            PKCSObjectIdentifiers.md2.getId(), "MD2");

    private SignatureStrength() {
    }

    /** Null when the certificate's signature is acceptable, else the weak algorithm's name. */
    static String weakness(X509Certificate certificate) {
        return weakness(certificate.getSigAlgOID(), certificate.getSigAlgParams());
    }

    /** As {@link #weakness(X509Certificate)}, for the signature of a CRL. */
    static String weakness(X509CRL crl) {
        return weakness(crl.getSigAlgOID(), crl.getSigAlgParams());
    }

    private static String weakness(String oid, byte[] parameters) {
        String weak = WEAK.get(oid);
        if (weak != null) {
            return weak;
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.getId().equals(oid)) {
            // Absent parameters mean the defaults of RFC 4055: SHA-1.
            RSASSAPSSparams pss = parameters == null ? new RSASSAPSSparams() : RSASSAPSSparams.getInstance(parameters);
            ASN1ObjectIdentifier digest = pss.getHashAlgorithm().getAlgorithm();
            String digestName = WEAK_DIGESTS.get(digest.getId());
            return digestName == null ? null : "RSASSA-PSS with " + digestName;
        }
        return null;
    }
}
