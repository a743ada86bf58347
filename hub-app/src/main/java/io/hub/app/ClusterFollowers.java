package io.hub.app;

import io.hub.app.node.ClusterCheckSync;
import io.hub.app.node.ClusterNotices;
import io.hub.app.node.RevocationSharing;
import io.hub.app.node.TrustSharing;
import io.hub.pki.HubPki;
import io.hub.pki.log.LogText;
import io.hub.provisioning.CheckSyncSender;
import io.hub.provisioning.HubNode;
import io.hub.provisioning.NodeTable;
import io.hub.provisioning.Phones;
import io.hub.provisioning.Provisioning;
import io.hub.sip.SipService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a change made on one node of a cluster does on the node holding the phone's flow, wired over
 * the cluster's notices ({@link ClusterNotices}); on one node (H2) none of this runs and the
 * in-process paths do it all:
 * <ul>
 * <li>a device disabled, deleted or moved to another extension: every other node re-checks the
 * extension's registered accounts ({@code SipService.recheckUser}), which withdraws the phone from the
 * node it is on (its calls ended, its flow closed);
 * <li>a check-sync (a resync, a reboot, a rotated SIP password, a changed setting) for a phone with no
 * flow on this node goes to the node holding it ({@link ClusterCheckSync});
 * <li>a change to what a phone is served (its device, settings layers, firmware target, tenant):
 * every other node drops the devices and configurations it kept that the change reaches;
 * <li>a revocation on one node's PKI is taken up by every node's ({@link RevocationSharing});
 * <li>a manufacturer CA trusted or untrusted, or a CRL imported, on one node's PKI is taken up by
 * every node's ({@link TrustSharing}).
 * </ul>
 */
final class ClusterFollowers {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFollowers.class);
    static final String REGISTRATION_ENDED = "registration-ended";
    static final String CONFIG_CHANGED = "config-changed";

    private ClusterFollowers() {
    }

    /** Wires the notices; returns the check-sync sender that reaches phones on any node. */
    static CheckSyncSender wire(ClusterNotices notices, Provisioning provisioning, SipService sip, HubPki pki,
            CheckSyncSender local, Duration resyncTimeout, Clock clock) {
        Phones phones = provisioning.phones();
        phones.onRegistrationEnded(before -> notices.publish(REGISTRATION_ENDED, Map.of("extension",
                before.extension(), "mac", before.mac().value())));
        notices.on(REGISTRATION_ENDED, notice -> {
            String extension = notice.path("extension").asText();
            java.util.List<io.hub.sip.Withdrawal> withdrawn = sip.recheckUser(extension);
            LOG.info("sip follows device change on node {} mac={} extension={} withdrawn={}{}",
                    LogText.of(notice.path("from").asText()), LogText.of(notice.path("mac").asText()),
                    LogText.of(extension), withdrawn.size(), SipFollowsDevices.aors(withdrawn));
        });
        // What a phone is served changed on one node: every other node drops what it kept of it.
        provisioning.onConfigChange(fields -> notices.publish(CONFIG_CHANGED, fields));
        notices.on(CONFIG_CHANGED, notice -> provisioning.configChangedElsewhere(notice.path("scope").asText(),
                notice.path("tenant").asText(), notice.path("name").asText()));
        RevocationSharing revocations = new RevocationSharing(pki, provisioning.sharedRevocations(), notices);
        revocations.start();
        sip.onPkiChange(revocations::share);
        TrustSharing trust = new TrustSharing(pki, provisioning.sharedTrust(), notices, clock);
        trust.start();
        sip.onPkiChange(trust::share);
        NodeTable nodes = provisioning.nodes();
        return new ClusterCheckSync(local, notices, () -> peersUp(nodes, notices.self(), clock.instant()),
                resyncTimeout);
    }

    /** The other nodes whose heartbeat is recent; none when the database does not answer. */
    private static Set<String> peersUp(NodeTable nodes, String self, Instant now) {
        try {
            return nodes.list().stream().filter(node -> !node.name().equals(self))
                    .filter(node -> "up".equals(node.state(now))).map(HubNode::name).collect(Collectors.toSet());
        } catch (Provisioning.StorageRefused e) {
            return Set.of();
        }
    }
}
