package io.hub.provisioning;

import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes sharing the database ({@code hub_node}): each node writes its own heartbeat, any node
 * lists them all. Nodes find each other here; nothing else about a node is shared.
 */
public final class NodeTable {

    private final Database database;

    public NodeTable(Database database) {
        this.database = database;
    }

    /**
     * Writes {@code node}'s row, replacing the one its previous heartbeat (or a previous run of the
     * same name) wrote.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public void heartbeat(HubNode node) {
        try {
            write(node);
        } catch (io.hub.provisioning.storage.StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    private void write(HubNode node) {
        database.transaction(connection -> {
            // Update, then insert: the same statements on H2 and PostgreSQL (no MERGE or ON CONFLICT).
            try (PreparedStatement update = connection.prepareStatement("UPDATE hub_node SET version = ?, "
                    + "started_at = ?, heartbeat_at = ?, flows = ?, calls = ?, sip_address = ? WHERE name = ?")) {
                Rows.bind(update, node.version(), node.startedAt(), node.heartbeatAt(), node.flows(), node.calls(),
                        node.sipAddress(), node.name());
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO hub_node (name, version, "
                    + "started_at, heartbeat_at, flows, calls, sip_address) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                Rows.bind(insert, node.name(), node.version(), node.startedAt(), node.heartbeatAt(), node.flows(),
                        node.calls(), node.sipAddress());
                insert.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Every node that ever beat, by name.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public List<HubNode> list() {
        try {
            return read();
        } catch (io.hub.provisioning.storage.StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    private List<HubNode> read() {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT name, version, started_at, "
                    + "heartbeat_at, flows, calls, sip_address FROM hub_node ORDER BY name");
                    ResultSet row = select.executeQuery()) {
                List<HubNode> nodes = new ArrayList<>();
                while (row.next()) {
                    nodes.add(new HubNode(row.getString("name"), row.getString("version"),
                            Rows.instant(row, "started_at"), Rows.instant(row, "heartbeat_at"), row.getInt("flows"),
                            row.getInt("calls"), row.getString("sip_address")));
                }
                return nodes;
            }
        });
    }
}
