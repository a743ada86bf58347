package io.hub.app.node;

import io.hub.pki.HubPki;
import io.hub.provisioning.Provisioning;
import io.hub.provisioning.SharedRevocations;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate or device revoked on one node ({@code hub pki revoke} on its home) is refused by all:
 * the node copies its PKI's revocations to the database ({@link SharedRevocations}) when its PKI
 * changes and tells the others ({@code revocations} notice), and every node adds the entries it lacks
 * to its own PKI, at start and on each notice. Its SIP sweep then judges the live flows again within a
 * second, as for a revocation made on its own home.
 */
public final class RevocationSharing {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationSharing.class);
    static final String NOTICE = "revocations";

    private final HubPki pki;
    private final SharedRevocations shared;
    private final ClusterNotices notices;

    public RevocationSharing(HubPki pki, SharedRevocations shared, ClusterNotices notices) {
        this.pki = pki;
        this.shared = shared;
        this.notices = notices;
        notices.on(NOTICE, notice -> takeUp());
    }

    /** This node's revocations to the database, the others' into this node's PKI. */
    public void start() {
        share();
        takeUp();
    }

    /** This node's PKI changed: its new revocations go to the database and the others are told. */
    public synchronized void share() {
        try {
            int added = shared.record(pki.revocations().entries());
            if (added > 0) {
                LOG.info("node {} shared {} revocation(s)", notices.self(), added);
                notices.publish(NOTICE, Map.of("added", added));
            }
        } catch (Provisioning.StorageRefused e) {
            LOG.warn("node {} revocations not shared: {} (shared at the next change or start)", notices.self(),
                    e.getMessage());
        }
    }

    /** The cluster's revocations this node's PKI lacks are added to it. */
    public synchronized void takeUp() {
        try {
            int added = pki.adoptRevocations(shared.all());
            if (added > 0) {
                LOG.info("node {} took up {} revocation(s) of the cluster", notices.self(), added);
            }
        } catch (Provisioning.StorageRefused e) {
            LOG.warn("node {} cluster revocations not taken up: {} (taken up at the next notice or start)",
                    notices.self(), e.getMessage());
        }
    }
}
