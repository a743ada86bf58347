package io.hub.pki;

/**
 * Why a device certificate is refused: one cause per failure, each with the stable code that HTTP
 * answers, SIP warnings and the audit log carry. When several apply, the validator reports one: the
 * chain is judged before its contents and the MAC last ({@link DeviceCertificateValidator} gives
 * the exact order).
 */
public enum RefusalCause {
    NO_CERTIFICATE("no-certificate", "the client presented no certificate"),
    UNKNOWN_ISSUER("unknown-issuer", "no trusted manufacturer CA issued this certificate"),
    BAD_SIGNATURE("bad-signature", "a signature in the chain does not verify"),
    WEAK_SIGNATURE("weak-signature", "a certificate in the chain is signed with SHA-1, MD5 or MD2"),
    INVALID_CHAIN("invalid-chain",
            "the chain breaks a path rule (CA flag, key usage, path length, name constraints), its trusted CA's "
                    + "included"),
    EXPIRED("expired", "a certificate in the chain has expired"),
    NOT_YET_VALID("not-yet-valid", "a certificate in the chain is not valid yet"),
    REVOKED("revoked", "the certificate or the device has been revoked (by the hub or by its manufacturer's CRL)"),
    CRL_EXPIRED("crl-expired", "the imported CRL of the trusted CA is past its next update; import a fresh one"),
    WEAK_KEY("weak-key", "a key in the chain is weaker than RSA 2048 or is not on P-256/P-384"),
    MISSING_CLIENT_AUTH("missing-client-auth", "the certificate is not issued for TLS client authentication"),
    NO_MAC("no-mac", "the certificate carries no MAC where its CA puts it"),
    MAC_MISMATCH("mac-mismatch", "the certificate's MAC is not the MAC of the request");

    private final String code;
    private final String description;

    RefusalCause(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable, machine-readable code, such as {@code mac-mismatch}. */
    public String code() {
        return code;
    }

    /** One sentence for people. */
    public String description() {
        return description;
    }
}
