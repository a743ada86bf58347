package io.hub.app.node;

import io.hub.provisioning.HubNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which other nodes went away: a node whose heartbeat is older than {@link HubNode#GONE_AFTER} is
 * handed to the follower once (its bindings are forgotten), and once more only after it came back up
 * and went again. A follower that throws (the database did not answer) is tried again at the next look.
 * Time is the caller's: the heartbeat passes its clock's instant.
 */
public final class GoneNodes {

    private final String self;
    private final Set<String> followed = new HashSet<>();

    public GoneNodes(String self) {
        this.self = self;
    }

    /** One look at the node table at {@code now}: {@code follower} gets each node newly gone. */
    public synchronized void look(List<HubNode> nodes, Instant now, Consumer<String> follower) {
        for (HubNode node : nodes) {
            if (node.name().equals(self)) {
                continue;
            }
            if ("up".equals(node.state(now))) {
                followed.remove(node.name());
            } else if (!followed.contains(node.name())) {
                follower.accept(node.name());
                followed.add(node.name());
            }
        }
    }
}
