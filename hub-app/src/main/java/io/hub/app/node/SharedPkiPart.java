package io.hub.app.node;

import io.hub.provisioning.Provisioning;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One part of a node's PKI that every node of a cluster must hold alike (revocations, trusted CAs and
 * their CRLs): the node writes its own to the database when its PKI changes and tells the others
 * with a notice, and takes up the others' at start and on each notice. A database that does not
 * answer is logged and tried again at the next change, notice or start.
 */
abstract class SharedPkiPart {

    private static final Logger LOG = LoggerFactory.getLogger(SharedPkiPart.class);

    private final ClusterNotices notices;
    private final String notice;
    private final String what;

    /**
     * @param notice the cluster notice that says this part changed
     * @param what what the part is made of, in the log lines ({@code revocation(s)})
     */
    SharedPkiPart(ClusterNotices notices, String notice, String what) {
        this.notices = notices;
        this.notice = notice;
        this.what = what;
    }

    /** Writes this node's own entries the database lacks or holds older; how many. */
    abstract int writeOwn();

    /** Takes the cluster's entries this node lacks or holds older into its PKI; how many. */
    abstract int adoptOthers();

    /** This node's entries to the database, the others' into this node's PKI; then follows the notices. */
    public void start() {
        notices.on(notice, ignored -> takeUp());
        share();
        takeUp();
    }

    /** This node's PKI changed: what is new goes to the database, and the others are told. */
    public synchronized void share() {
        try {
            int written = writeOwn();
            if (written > 0) {
                LOG.info("node {} shared {} {}", notices.self(), written, what);
                notices.publish(notice, Map.of("written", written));
            }
        } catch (Provisioning.StorageRefused e) {
            LOG.warn("node {} {} not shared: {} (shared at the next change or start)", notices.self(), what,
                    e.getMessage());
        }
    }

    /** What the cluster holds that this node lacks is taken up. */
    public synchronized void takeUp() {
        try {
            int added = adoptOthers();
            if (added > 0) {
                LOG.info("node {} took up {} {} of the cluster", notices.self(), added, what);
            }
        } catch (Provisioning.StorageRefused e) {
            LOG.warn("node {} cluster {} not taken up: {} (taken up at the next notice or start)", notices.self(),
                    what, e.getMessage());
        }
    }

    /** The node's name, for the subclasses' own log lines. */
    String self() {
        return notices.self();
    }
}
