package io.hub.app.node;

import io.hub.app.UserError;
import io.hub.pki.Fingerprints;
import io.hub.pki.HubPki;
import io.hub.pki.PemFiles;
import io.hub.pki.log.LogText;
import io.hub.provisioning.ClusterRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Joining the cluster of a shared database: a node's home must hold the PKI and the secrets the
 * first node recorded ({@code hub_cluster}). A node with another hub CA would present a server
 * certificate the phones and the other nodes do not trust; one with another SIP-password key could
 * not open a single password. Either refuses to start, saying which and what to do.
 */
public final class ClusterMembership {

    private ClusterMembership() {
    }

    /** What this home brings: its hub CA's fingerprint and a check value of its SIP-password key. */
    public static ClusterRecord.Identity identity(HubPki pki, byte[] secretsKey, String node, Instant now) {
        return new ClusterRecord.Identity(Fingerprints.sha256(PemFiles.readCertificate(pki.file(HubPki.HUB_CA_CERTIFICATE))),
                secretsCheck(secretsKey), node, now);
    }

    /**
     * Records this node's identity as the cluster's when it is the first, else compares.
     *
     * @return true when this node founded the cluster now
     * @throws UserError naming what differs, when this home is not of the cluster
     */
    public static boolean join(ClusterRecord record, ClusterRecord.Identity ours) {
        ClusterRecord.Identity cluster = record.claim(ours);
        if (cluster == ours) {
            return true;
        }
        String founder = "first started by node " + LogText.of(cluster.node()) + " at " + cluster.at();
        if (!cluster.caFingerprint().equalsIgnoreCase(ours.caFingerprint())) {
            throw new UserError("node " + ours.node() + " refuses to join the cluster of this database: its hub CA "
                    + "(pki/" + HubPki.HUB_CA_CERTIFICATE + ") has fingerprint " + ours.caFingerprint()
                    + ", the cluster's (" + founder + ") is " + cluster.caFingerprint()
                    + "; phones and the other nodes would not trust it. Make this home from a node of the "
                    + "cluster: hub node init --from THAT_HOME");
        }
        if (!cluster.secretsCheck().equals(ours.secretsCheck())) {
            throw new UserError("node " + ours.node() + " refuses to join the cluster of this database: its "
                    + "secrets/ key is not the cluster's (" + founder + "), so it could open no SIP password. "
                    + "Make this home from a node of the cluster: hub node init --from THAT_HOME");
        }
        return false;
    }

    /**
     * The key SIP digest nonces are made under, derived from the SIP-password key the nodes of a
     * cluster share (and {@link #join} checks): a nonce one node issued verifies on every node.
     */
    public static byte[] nonceKey(byte[] secretsKey) {
        return hmac(secretsKey, "hub sip nonce key");
    }

    /**
     * A value that tells whether two homes hold the same key without telling the key: an HMAC of a
     * fixed text under it.
     */
    static String secretsCheck(byte[] key) {
        return HexFormat.of().formatHex(hmac(key, "hub cluster secrets check"), 0, 16);
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
