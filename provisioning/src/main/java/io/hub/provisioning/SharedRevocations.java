package io.hub.provisioning;

import io.hub.pki.RevocationList;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The revocations of every node of a cluster ({@code shared_revocation}): a node writes the entries
 * of its own PKI here, and takes up the others' into its PKI, so that a certificate revoked on one
 * node is refused by all of them.
 */
public final class SharedRevocations {

    private final Database database;

    SharedRevocations(Database database) {
        this.database = database;
    }

    /**
     * Writes the entries not stored yet.
     *
     * @return how many were new
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public int record(List<RevocationList.Entry> entries) {
        try {
            Set<String> stored = new HashSet<>(keys());
            List<RevocationList.Entry> fresh = entries.stream().filter(entry -> !stored.contains(key(entry))).toList();
            if (fresh.isEmpty()) {
                return 0;
            }
            int written = 0;
            for (RevocationList.Entry entry : fresh) {
                try {
                    insert(entry);
                    written++;
                } catch (StorageException e) {
                    // Another node wrote the same entry since (primary key): stored, which is what was asked.
                    if (!keys().contains(key(entry))) {
                        throw e;
                    }
                }
            }
            return written;
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    /**
     * Every stored entry, oldest first.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public List<RevocationList.Entry> all() {
        try {
            return database.transaction(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT serial, issuer, mac, reason, "
                        + "revoked_at FROM shared_revocation ORDER BY revoked_at, revocation_key");
                        ResultSet row = select.executeQuery()) {
                    List<RevocationList.Entry> entries = new ArrayList<>();
                    while (row.next()) {
                        entries.add(new RevocationList.Entry(row.getString("serial"), row.getString("issuer"),
                                row.getString("mac"), RevocationList.Reason.valueOf(row.getString("reason")),
                                Rows.instant(row, "revoked_at")));
                    }
                    return entries;
                }
            });
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    private void insert(RevocationList.Entry entry) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO shared_revocation "
                    + "(revocation_key, serial, issuer, mac, reason, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, key(entry));
                insert.setString(2, entry.serial());
                insert.setString(3, entry.issuer());
                insert.setString(4, entry.mac());
                insert.setString(5, entry.reason().name());
                insert.setObject(6, java.time.OffsetDateTime.ofInstant(entry.revokedAt(), java.time.ZoneOffset.UTC));
                insert.executeUpdate();
            }
            return null;
        });
    }

    private List<String> keys() {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT revocation_key FROM shared_revocation");
                    ResultSet row = select.executeQuery()) {
                List<String> keys = new ArrayList<>();
                while (row.next()) {
                    keys.add(row.getString(1));
                }
                return keys;
            }
        });
    }

    /** A certificate by its issuer and serial, a device by its MAC. */
    static String key(RevocationList.Entry entry) {
        return entry.isCertificate() ? "cert:" + entry.issuer() + "#" + entry.serial() : "mac:" + entry.mac();
    }
}
