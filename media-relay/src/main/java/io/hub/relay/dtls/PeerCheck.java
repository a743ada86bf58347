package io.hub.relay.dtls;

import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.UseSRTPData;

/**
 * What both ends of the hub's DTLS check and keep, whichever role it plays: the peer's certificate
 * against the SDP fingerprint, the SRTP profile, and the keys once the handshake is done. Written by the
 * handshake thread only; read by it after the handshake returns or fails.
 */
final class PeerCheck {

    static final int PROFILE = SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;
    static final int[] CIPHER_SUITES = {
        org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        org.bouncycastle.tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    /** The use_srtp extension both roles send: the one profile the hub takes, no MKI. */
    static UseSRTPData useSrtp() {
        return new UseSRTPData(new int[] {PROFILE}, org.bouncycastle.tls.TlsUtils.EMPTY_BYTES);
    }

    private final Fingerprint expected;
    private DtlsFailure failure;
    private DtlsSrtpKeys keys;

    PeerCheck(Fingerprint expected) {
        this.expected = expected;
    }

    /** The peer's chain: its first certificate must hash to the SDP fingerprint. */
    void certificate(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw fail(DtlsFailure.NO_CERTIFICATE, AlertDescription.handshake_failure);
        }
        if (!expected.matches(chain.getCertificateAt(0).getEncoded())) {
            throw fail(DtlsFailure.FINGERPRINT_MISMATCH, AlertDescription.bad_certificate);
        }
    }

    /** A use_srtp extension must list (client) or choose (server) SRTP_AES128_CM_HMAC_SHA1_80. */
    void profile(UseSRTPData offered) throws IOException {
        if (offered == null) {
            throw fail(DtlsFailure.NO_SRTP_PROFILE, AlertDescription.handshake_failure);
        }
        for (int profile : offered.getProtectionProfiles()) {
            if (profile == PROFILE) {
                return;
            }
        }
        throw fail(DtlsFailure.NO_SRTP_PROFILE, AlertDescription.handshake_failure);
    }

    /** Called from the peer's notifyHandshakeComplete: the handshake is done, the exporter is ready. */
    void complete(TlsContext context) {
        keys = DtlsSrtpKeys.split(context.exportKeyingMaterial(DtlsSrtpKeys.EXPORTER_LABEL, null,
                DtlsSrtpKeys.MATERIAL_LENGTH));
    }

    DtlsFailure failure() {
        return failure;
    }

    DtlsSrtpKeys keys() {
        return keys;
    }

    private TlsFatalAlert fail(DtlsFailure why, short alert) {
        failure = why;
        return new TlsFatalAlert(alert, why.name());
    }
}
