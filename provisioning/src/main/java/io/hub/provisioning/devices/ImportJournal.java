package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a bulk import all or nothing whatever H2's recovery does with a transaction that a kill -9
 * cut short (it was seen to leave rows of one that never committed: docs/ARCHITECTURE.md, Storage).
 *
 * <p>The steps, in this order:
 * <ol>
 * <li>{@link #begin}: a small transaction of its own, committed before the import writes anything,
 *     records the import as {@code applying} with the MACs it creates and the before-image of every
 *     row it will change or delete (the device rows, the rows a delete cascades to, and the claimable
 *     rows a create removes). It commits first so that whatever of the import reaches the file, its
 *     way back is already there.</li>
 * <li>The import's transaction applies the lines, writes its audit row (naming the journal) and
 *     {@link #markApplied} in that same transaction, so the mark is committed exactly when the
 *     changes are.</li>
 * <li>{@link #forget}: once that commit returned, a transaction of its own removes the journal. It
 *     cannot be part of the import's transaction: should H2 leave that deletion of an uncommitted
 *     transaction behind, the before-images would be gone with a part of the import in place.</li>
 * <li>{@link #recover}, at start before anything is served: a journal still {@code applying}, or
 *     marked {@code applied} without all of its changes and its audit row there (a mark H2 left of
 *     an uncommitted transaction), is undone from its before-images in one transaction; only after
 *     that undo committed is the journal removed, in another. The undo is idempotent (delete what
 *     was created if present, put each imaged row back whole), so a kill during it leaves the journal
 *     to be undone again at the next start.</li>
 * </ol>
 *
 * <p>Known limit: the before-images are those of the moment the import began; a change another
 * request committed to the same devices while the import ran is undone with it.
 */
public final class ImportJournal {

    private static final Logger LOG = LoggerFactory.getLogger(ImportJournal.class);

    /** The tables a device delete cascades to, each keyed by {@code mac}. */
    private static final List<String> DEVICE_CHILDREN = List.of("device_setting", "device_contact", "dhcp_alert",
            "device_resync", "device_certificate_seen");
    private static final String CREATE = "create";
    private static final String UPDATE = "update";
    private static final String DELETE = "delete";
    static final String APPLYING = "applying";
    static final String APPLIED = "applied";

    private final Database database;
    private final Map<String, String> columnLists = new ConcurrentHashMap<>();

    public ImportJournal(Database database) {
        this.database = database;
    }

    /** The words an import's audit detail ends with, naming its journal. */
    static String auditTag(String journalId) {
        return " journal=" + journalId;
    }

    /**
     * Records an import about to be applied, with its before-images, and commits that on a connection
     * of its own.
     *
     * @return the journal's id
     */
    String begin(String tenant, List<MacAddress> creates, List<MacAddress> updates, List<MacAddress> deletes,
            Instant now) {
        String id = UUID.randomUUID().toString();
        database.transaction(connection -> {
            try (PreparedStatement journal = connection.prepareStatement(
                    "INSERT INTO import_journal (id, tenant_id, state, started_at) VALUES (?, ?, ?, ?)")) {
                Rows.bind(journal, id, tenant, APPLYING, now);
                journal.executeUpdate();
            }
            Map<MacAddress, String> kinds = new LinkedHashMap<>();
            creates.forEach(mac -> kinds.put(mac, CREATE));
            updates.forEach(mac -> kinds.put(mac, UPDATE));
            deletes.forEach(mac -> kinds.put(mac, DELETE));
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO import_journal_mac (journal_id, mac, change_kind) VALUES (?, ?, ?)")) {
                for (Map.Entry<MacAddress, String> entry : kinds.entrySet()) {
                    Rows.bind(insert, id, entry.getKey().value(), entry.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            image(connection, id, "claimable_device", creates);
            List<MacAddress> devices = new ArrayList<>(updates);
            devices.addAll(deletes);
            image(connection, id, "device", devices);
            for (String child : DEVICE_CHILDREN) {
                image(connection, id, child, deletes);
            }
            return null;
        });
        return id;
    }

    /** Marks the import applied, in the import's own transaction. */
    void markApplied(Connection importTransaction, String id) throws SQLException {
        try (PreparedStatement mark = importTransaction.prepareStatement(
                "UPDATE import_journal SET state = ? WHERE id = ?")) {
            Rows.bind(mark, APPLIED, id);
            if (mark.executeUpdate() != 1) {
                throw new SQLException("import journal " + id + " is missing");
            }
        }
    }

    /** Removes the journal and its images, in a transaction of its own. */
    void forget(String id) {
        database.transaction(connection -> {
            remove(connection, id);
            return null;
        });
    }

    /**
     * Undoes every import a kill left unfinished and removes every journal; call at start, before
     * serving.
     *
     * @return how many imports were undone
     */
    public int recover() {
        Map<String, String> journals = database.transaction(connection -> {
            Map<String, String> found = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, state FROM import_journal ORDER BY started_at");
                    ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    found.put(row.getString(1), row.getString(2));
                }
            }
            return found;
        });
        int undone = 0;
        for (Map.Entry<String, String> journal : journals.entrySet()) {
            String id = journal.getKey();
            boolean whole = APPLIED.equals(journal.getValue())
                    && database.transaction(connection -> appliedWhole(connection, id));
            if (!whole) {
                database.transaction(connection -> {
                    undo(connection, id);
                    return null;
                });
                undone++;
                LOG.warn("import journal={} was cut short ({}); its changes are undone", id, journal.getValue());
            }
            forget(id);
        }
        return undone;
    }

    /** True when the import's audit row, every device it created and none it deleted are there. */
    private static boolean appliedWhole(Connection connection, String id) throws SQLException {
        try (PreparedStatement audit = connection.prepareStatement("SELECT COUNT(*) FROM audit_event "
                + "WHERE action = 'import' AND outcome = 'ok' AND detail LIKE ?")) {
            Rows.bind(audit, "%" + auditTag(id));
            if (count(audit) != 1) {
                return false;
            }
        }
        try (PreparedStatement wrong = connection.prepareStatement("SELECT COUNT(*) FROM import_journal_mac j "
                + "WHERE j.journal_id = ? AND ((j.change_kind = 'create' AND NOT EXISTS (SELECT 1 FROM device d "
                + "WHERE d.mac = j.mac)) OR (j.change_kind = 'delete' AND EXISTS (SELECT 1 FROM device d "
                + "WHERE d.mac = j.mac)))")) {
            Rows.bind(wrong, id);
            return count(wrong) == 0;
        }
    }

    /** Puts every row the import touched back as it was; running it twice does what running it once did. */
    void undo(Connection connection, String id) throws SQLException {
        List<String> creates = macs(connection, id, CREATE);
        List<String> updates = macs(connection, id, UPDATE);
        List<String> deletes = macs(connection, id, DELETE);
        perMac(connection, "DELETE FROM device WHERE mac = ?", creates);
        // Extensions and certificates are unique: an import may have swapped them between devices, so
        // the updated devices let go of theirs before any is put back.
        perMac(connection, "UPDATE device SET extension = NULL, certificate_sha256 = NULL WHERE mac = ?", updates);
        String device = columns(connection, "device");
        try (PreparedStatement restore = connection.prepareStatement("UPDATE device SET (" + device + ") = (SELECT "
                + device + " FROM import_before_device WHERE journal_id = ? AND mac = ?) WHERE mac = ?")) {
            for (String mac : updates) {
                Rows.bind(restore, id, mac, mac);
                restore.addBatch();
            }
            restore.executeBatch();
        }
        // A deleted device comes back whole: its row first (what its other rows refer to), then those.
        perMac(connection, "DELETE FROM device WHERE mac = ?", deletes);
        putBack(connection, id, "device", deletes);
        for (String child : DEVICE_CHILDREN) {
            putBack(connection, id, child, deletes);
        }
        perMac(connection, "DELETE FROM claimable_device WHERE mac = ?", creates);
        putBack(connection, id, "claimable_device", creates);
        try (PreparedStatement audit = connection.prepareStatement("DELETE FROM audit_event "
                + "WHERE action = 'import' AND outcome = 'ok' AND detail LIKE ?")) {
            Rows.bind(audit, "%" + auditTag(id));
            audit.executeUpdate();
        }
    }

    private void image(Connection connection, String id, String table, List<MacAddress> macs) throws SQLException {
        String columns = columns(connection, table);
        try (PreparedStatement copy = connection.prepareStatement("INSERT INTO import_before_" + table + " ("
                + columns + ", journal_id) SELECT " + columns + ", ? FROM " + table + " WHERE mac = ?")) {
            for (MacAddress mac : macs) {
                Rows.bind(copy, id, mac.value());
                copy.addBatch();
            }
            copy.executeBatch();
        }
    }

    private void putBack(Connection connection, String id, String table, List<String> macs) throws SQLException {
        String columns = columns(connection, table);
        try (PreparedStatement copy = connection.prepareStatement("INSERT INTO " + table + " (" + columns
                + ") SELECT " + columns + " FROM import_before_" + table + " WHERE journal_id = ? AND mac = ?")) {
            for (String mac : macs) {
                Rows.bind(copy, id, mac);
                copy.addBatch();
            }
            copy.executeBatch();
        }
    }

    /** The imaged columns of {@code table}: those of its before-image table but the journal's id. */
    private String columns(Connection connection, String table) throws SQLException {
        String known = columnLists.get(table);
        if (known != null) {
            return known;
        }
        List<String> names = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT * FROM import_before_" + table + " WHERE 1 = 0");
                ResultSet empty = select.executeQuery()) {
            for (int i = 1; i <= empty.getMetaData().getColumnCount(); i++) {
                String name = empty.getMetaData().getColumnName(i).toLowerCase(Locale.ROOT);
                if (!name.equals("journal_id")) {
                    names.add(name);
                }
            }
        }
        String list = String.join(", ", names);
        columnLists.put(table, list);
        return list;
    }

    private static void remove(Connection connection, String id) throws SQLException {
        List<String> tables = new ArrayList<>(List.of("import_before_device", "import_before_claimable_device",
                "import_journal_mac"));
        DEVICE_CHILDREN.forEach(child -> tables.add("import_before_" + child));
        for (String table : tables) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE journal_id = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM import_journal WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
    }

    private static List<String> macs(Connection connection, String id, String kind) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT mac FROM import_journal_mac WHERE journal_id = ? AND change_kind = ? ORDER BY mac")) {
            Rows.bind(select, id, kind);
            List<String> macs = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    macs.add(row.getString(1));
                }
            }
            return macs;
        }
    }

    private static void perMac(Connection connection, String sql, List<String> macs) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (String mac : macs) {
                statement.setString(1, mac);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static long count(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
