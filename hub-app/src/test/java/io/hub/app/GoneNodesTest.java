package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hub.app.node.GoneNodes;
import io.hub.provisioning.HubNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node whose heartbeat stopped is followed once, 8 s after its last heartbeat (at the next look of
 * a node that is up: within 10 s of a kill), again only after it came back and went again; this node
 * itself never; a follower that failed is tried again at the next look.
 */
class GoneNodesTest {

    private static final Instant T = Instant.parse("2026-12-04T10:00:00Z");

    private final GoneNodes gone = new GoneNodes("node-a");
    private final List<String> followed = new ArrayList<>();

    @Test
    void aSilentNodeIsFollowedOnceEightSecondsAfterItsLastHeartbeat() {
        gone.look(nodes(T, T), T.plusSeconds(7), followed::add);
        assertEquals(List.of(), followed);

        gone.look(nodes(T, T), T.plusSeconds(8), followed::add);
        gone.look(nodes(T, T), T.plusSeconds(10), followed::add);
        assertEquals(List.of("node-b"), followed);
    }

    @Test
    void aNodeThatCameBackAndWentAgainIsFollowedAgain() {
        gone.look(nodes(T, T), T.plusSeconds(8), followed::add);
        gone.look(nodes(T.plusSeconds(20), T.plusSeconds(20)), T.plusSeconds(21), followed::add);
        gone.look(nodes(T.plusSeconds(20), T.plusSeconds(20)), T.plusSeconds(28), followed::add);

        assertEquals(List.of("node-b", "node-b"), followed);
    }

    @Test
    void thisNodeIsNeverFollowedEvenWhenItsOwnRowIsOld() {
        gone.look(List.of(node("node-a", T)), T.plusSeconds(60), followed::add);

        assertEquals(List.of(), followed);
    }

    @Test
    void aFollowerThatFailedIsTriedAgainAtTheNextLook() {
        assertThrows(IllegalStateException.class, () -> gone.look(nodes(T, T), T.plusSeconds(8), name -> {
            throw new IllegalStateException("the database did not answer");
        }));

        gone.look(nodes(T, T), T.plusSeconds(10), followed::add);

        assertEquals(List.of("node-b"), followed);
    }

    private static List<HubNode> nodes(Instant a, Instant b) {
        return List.of(node("node-a", a.plusSeconds(100)), node("node-b", b));
    }

    private static HubNode node(String name, Instant heartbeat) {
        return new HubNode(name, "1.0", T, heartbeat, 0, 0);
    }
}
