package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes find each other in the database: each rewrites its own row, any lists them all, with their state. */
class NodeTableTest {

    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");

    /** The database the tests run on; {@link NodeTableOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    @TempDir
    Path dir;
    private TestDatabase database;
    private NodeTable nodes;

    @BeforeEach
    void open() {
        database = TestDatabase.open(store(), dir.resolve("db"));
        nodes = new NodeTable(database.database());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aHeartbeatReplacesTheNodesOwnRowAndLeavesTheOthers() {
        nodes.heartbeat(new HubNode("node-b", "1.0", START, START, 0, 0));
        nodes.heartbeat(new HubNode("node-a", "1.0", START, START, 3, 1));
        nodes.heartbeat(new HubNode("node-a", "1.0", START, START.plusSeconds(2), 5, 0));

        assertEquals(List.of(new HubNode("node-a", "1.0", START, START.plusSeconds(2), 5, 0),
                new HubNode("node-b", "1.0", START, START, 0, 0)), nodes.list());
    }

    @Test
    void aHeartbeatCarriesWhereTheNodesSipTlsPortIsAndAnOlderNodesRowSaysNothing() {
        nodes.heartbeat(new HubNode("node-a", "1.0", START, START, 0, 0, "10.1.0.7:5061"));
        nodes.heartbeat(new HubNode("node-b", "1.0", START, START, 0, 0));

        assertEquals("10.1.0.7:5061", nodes.list().get(0).sipAddress());
        assertEquals(null, nodes.list().get(1).sipAddress());
    }

    @Test
    void aNodeWhoseHeartbeatStoppedForEightSecondsIsGone() {
        HubNode node = new HubNode("node-a", "1.0", START, START, 0, 0);

        assertEquals("up", node.state(START.plusSeconds(7)));
        assertEquals("gone", node.state(START.plusSeconds(8)));
    }
}
