package io.hub.app.node;

import io.hub.pki.HubPki;
import io.hub.pki.ManufacturerCrls;
import io.hub.pki.PemFiles;
import io.hub.pki.PkiException;
import io.hub.pki.TrustRecord;
import io.hub.provisioning.SharedTrust;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A manufacturer CA trusted or untrusted on one node ({@code hub pki trust}/{@code untrust} on its
 * home), and a manufacturer CRL imported there, take effect on every node: the node copies its PKI's
 * decisions and CRLs to the database ({@link SharedTrust}) when its PKI changes and tells the others
 * ({@code trust} notice); every node takes up the decisions later than its own and the CRLs newer
 * than its own, at start and on each notice. Its SIP sweep then judges the live flows again within a
 * second, as for a change made on its own home.
 */
public final class TrustSharing extends SharedPkiPart {

    private static final Logger LOG = LoggerFactory.getLogger(TrustSharing.class);
    static final String NOTICE = "trust";

    private final HubPki pki;
    private final SharedTrust shared;
    private final Clock clock;

    public TrustSharing(HubPki pki, SharedTrust shared, ClusterNotices notices, Clock clock) {
        super(notices, NOTICE, "trust decision(s) and CRL(s)");
        this.pki = pki;
        this.shared = shared;
        this.clock = clock;
    }

    /** This node's later decisions and newer CRLs; a CRL that does not parse is logged and left. */
    @Override
    int writeOwn() {
        int written = 0;
        for (TrustRecord record : pki.trustRecords()) {
            if (shared.record(record)) {
                written++;
            }
        }
        try {
            Map<String, byte[]> stored = shared.crls();
            for (Map.Entry<String, X509CRL> own : pki.importedCrls().entrySet()) {
                byte[] storedCrl = stored.get(own.getKey());
                if (storedCrl == null || ManufacturerCrls.newer(own.getValue(), PemFiles.parseCrl(storedCrl))) {
                    shared.recordCrl(own.getKey(), own.getValue().getEncoded(), clock.instant());
                    written++;
                }
            }
        } catch (CRLException | PkiException e) {
            LOG.warn("node {} trusted CAs not all shared: {}", self(), e.getMessage());
        }
        return written;
    }

    /** The cluster's decisions later than this node's, and its CRLs newer than this node's. */
    @Override
    int adoptOthers() {
        int changed = 0;
        for (TrustRecord record : shared.all()) {
            changed += takeUp(record) ? 1 : 0;
        }
        for (Map.Entry<String, byte[]> crl : shared.crls().entrySet()) {
            changed += takeUp(crl.getKey(), crl.getValue()) ? 1 : 0;
        }
        return changed;
    }

    private boolean takeUp(TrustRecord record) {
        try {
            return pki.adoptTrust(record);
        } catch (PkiException e) {
            LOG.warn("node {} shared trust of {} refused: {}", self(), record.name(), e.getMessage());
            return false;
        }
    }

    private boolean takeUp(String caFingerprint, byte[] crl) {
        try {
            return pki.adoptCrl(caFingerprint, PemFiles.parseCrl(crl));
        } catch (PkiException e) {
            LOG.warn("node {} shared CRL of CA {} refused: {}", self(), caFingerprint, e.getMessage());
            return false;
        }
    }
}
