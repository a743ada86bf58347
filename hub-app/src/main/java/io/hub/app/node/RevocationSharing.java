package io.hub.app.node;

import io.hub.pki.HubPki;
import io.hub.provisioning.SharedRevocations;

/**
 * A certificate or device revoked on one node ({@code hub pki revoke} on its home) is refused by all:
 * the node copies its PKI's revocations to the database ({@link SharedRevocations}) when its PKI
 * changes and tells the others ({@code revocations} notice), and every node adds the entries it lacks
 * to its own PKI, at start and on each notice. Its SIP sweep then judges the live flows again within a
 * second, as for a revocation made on its own home.
 */
public final class RevocationSharing extends SharedPkiPart {

    static final String NOTICE = "revocations";

    private final HubPki pki;
    private final SharedRevocations shared;

    public RevocationSharing(HubPki pki, SharedRevocations shared, ClusterNotices notices) {
        super(notices, NOTICE, "revocation(s)");
        this.pki = pki;
        this.shared = shared;
    }

    @Override
    int writeOwn() {
        return shared.record(pki.revocations().entries());
    }

    @Override
    int adoptOthers() {
        return pki.adoptRevocations(shared.all());
    }
}
