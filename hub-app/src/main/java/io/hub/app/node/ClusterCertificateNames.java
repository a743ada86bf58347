package io.hub.app.node;

import io.hub.pki.HubPki;
import io.hub.pki.PkiException;
import io.hub.pki.log.LogText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names a node's server certificate covers in a cluster: the region's names every node shares
 * ({@code clusterNames}, the SIP entry points), this node's own name, and the name of every other
 * node in the node table. A phone that fails over to another node, and a node that connects to
 * another, then find the name they asked for in the certificate. A name missing is added by renewing
 * the certificate from the hub CA the home holds; a running hub serves the renewed one within seconds
 * ({@code ServerCertificateFollow}).
 */
public final class ClusterCertificateNames {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCertificateNames.class);

    private final HubPki pki;
    private final List<String> shared;
    private final Set<String> covered = new LinkedHashSet<>();

    /**
     * @param shared the names every node covers: the region's names and this node's own
     */
    public ClusterCertificateNames(HubPki pki, List<String> shared) {
        this.pki = pki;
        this.shared = List.copyOf(shared);
    }

    /**
     * Renews the server certificate when it does not cover the shared names and {@code nodeNames}.
     * A node name that is no valid DNS name is left out and logged, never a reason to stop.
     *
     * @return the names added now
     */
    public synchronized List<String> cover(List<String> nodeNames) {
        List<String> wanted = new ArrayList<>(shared);
        for (String name : nodeNames) {
            if (!covered.contains(name) && !wanted.contains(name)) {
                wanted.add(name);
            }
        }
        wanted.removeAll(covered);
        if (wanted.isEmpty()) {
            return List.of();
        }
        List<String> added = new ArrayList<>();
        try {
            added.addAll(pki.coverServerNames(wanted));
        } catch (PkiException malformed) {
            // One name the certificate cannot hold: the others, one at a time, and that one logged.
            for (String name : wanted) {
                try {
                    added.addAll(pki.coverServerNames(List.of(name)));
                } catch (PkiException e) {
                    LOG.warn("server certificate does not cover cluster name {}: {}", LogText.of(name),
                            LogText.of(e.getMessage()));
                }
            }
        }
        covered.addAll(wanted);
        if (!added.isEmpty()) {
            LOG.info("server certificate renewed to cover cluster names {}", LogText.of(String.join(",", added)));
        }
        return added;
    }
}
