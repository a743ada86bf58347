package io.hub.provisioning;

import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The identity of the cluster sharing this database ({@code hub_cluster}): the hub CA and the secrets
 * the first node started with. Every node compares its own with it before it serves anything.
 */
public final class ClusterRecord {

    /**
     * What a node brings: its hub CA's SHA-256 fingerprint and a check value of its SIP-password key
     * (never the key), its name, the time it started.
     */
    public record Identity(String caFingerprint, String secretsCheck, String node, Instant at) {
    }

    private final Database database;

    ClusterRecord(Database database) {
        this.database = database;
    }

    /**
     * The cluster's identity: the one recorded, or {@code ours} when this is the first node to start on
     * the database (recorded now). Two first nodes starting at once both get the one that was committed.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public Identity claim(Identity ours) {
        try {
            Optional<Identity> recorded = read();
            if (recorded.isPresent()) {
                return recorded.get();
            }
            try {
                insert(ours);
                return ours;
            } catch (StorageException e) {
                // Another node inserted the row first (primary key): its identity is the cluster's.
                return read().orElseThrow(() -> e);
            }
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    private Optional<Identity> read() {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT ca_fingerprint, secrets_check, "
                    + "founded_by, founded_at FROM hub_cluster WHERE id = 1");
                    ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Identity(row.getString(1), row.getString(2), row.getString(3),
                        Rows.instant(row, "founded_at"))) : Optional.<Identity>empty();
            }
        });
    }

    private void insert(Identity identity) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO hub_cluster (id, "
                    + "ca_fingerprint, secrets_check, founded_by, founded_at) VALUES (1, ?, ?, ?, ?)")) {
                Rows.bind(insert, identity.caFingerprint(), identity.secretsCheck(), identity.node(), identity.at());
                insert.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The names of the nodes that ever beat in this database ({@link NodeTable}).
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public List<String> nodeNames() {
        return new NodeTable(database).list().stream().map(HubNode::name).toList();
    }

    /** For the tests: the row as it is, if any. */
    Optional<Identity> recorded() {
        return read();
    }
}
