package io.hub.provisioning.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.pki.MacAddress;
import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.TestStore;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.storage.SealedSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's undo, on what H2 might leave of an import that never committed: some of its rows
 * committed (here by hand), its journal still {@code applying}. Undone twice, as a kill during the
 * first undo would have it, the devices are as before the import, with their other rows.
 */
class ImportJournalTest {

    /** The database the tests run on; {@link ImportJournalOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    private static final String TENANT = "t1";
    private static final MacAddress KEPT = new MacAddress("00809f000001");
    private static final MacAddress DELETED = new MacAddress("00809f000002");
    private static final MacAddress SWAPPED = new MacAddress("00809f000003");
    private static final MacAddress CREATED = new MacAddress("00809f000009");

    @TempDir
    Path dir;
    private TestDatabase opened;
    private Database database;
    private ImportJournal journal;

    @BeforeEach
    void seed() {
        opened = TestDatabase.open(store(), dir);
        database = opened.database();
        TestDatabase.insertTenant(database, TENANT);
        AuditLog audit = new AuditLog(database, Clock.systemUTC());
        Enrollment enrollment = new Enrollment(database, new DeviceRepository(new SealedSecrets(new byte[32])),
                new ClaimableRepository(), audit, new SettingLayers(database, audit), PhoneCatalogue.builtIn(),
                Clock.systemUTC());
        enrollment.importCsv(TENANT, ("action,macAddress,deviceType,extension,displayName,site,region\n"
                + "create,00809f000001,Myriad M7,101,Kept,hq,eu1\n"
                + "create,00809f000002,Myriad M7,102,Deleted,hq,eu1\n"
                + "create,00809f000003,Myriad M7,103,Swapped,hq,eu1\n").getBytes(StandardCharsets.UTF_8),
                false, "seed", null);
        update("INSERT INTO device_setting (mac, setting_key, setting_value) VALUES ('00809f000002', 'k', 'v')");
        update("INSERT INTO claimable_device (mac, fingerprint, issuer, first_seen, last_seen, seen_count) "
                + "VALUES ('00809f000009', 'f', 'i', TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00Z', "
                + "TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00Z', 1)");
        journal = new ImportJournal(database);
    }

    @AfterEach
    void close() {
        opened.close();
    }

    @Test
    void anImportLeftHalfDoneIsUndoneEvenWhenTheUndoRunsTwice() throws Exception {
        String id = journal.begin(TENANT, List.of(CREATED), List.of(KEPT, SWAPPED), List.of(DELETED), Instant.now());
        // What a kill might leave: the delete, an extension swap, the create and its audit row.
        update("DELETE FROM device WHERE mac = '00809f000002'");
        update("UPDATE device SET extension = '102', display_name = 'Moved' WHERE mac = '00809f000003'");
        update("UPDATE device SET extension = '103' WHERE mac = '00809f000001'");
        update("INSERT INTO device (mac, tenant_id, model, extension, region, state, sip_password, created_at, "
                + "updated_at) SELECT '00809f000009', tenant_id, model, '109', region, state, sip_password, "
                + "created_at, updated_at FROM device WHERE mac = '00809f000001'");
        update("DELETE FROM claimable_device WHERE mac = '00809f000009'");
        update("INSERT INTO audit_event (at, actor, action, outcome, detail) VALUES (CURRENT_TIMESTAMP, 'x', "
                + "'import', 'ok', 'created=1" + ImportJournal.auditTag(id) + "')");

        database.transaction(connection -> {
            journal.undo(connection, id);
            return null;
        });
        assertEquals(1, journal.recover());

        assertEquals("00809f000001 101 Kept|00809f000002 102 Deleted|00809f000003 103 Swapped", joined(
                "SELECT mac || ' ' || extension || ' ' || display_name FROM device ORDER BY mac"));
        assertEquals("v", text("SELECT setting_value FROM device_setting WHERE mac = '00809f000002'"));
        assertEquals("1", text("SELECT COUNT(*) FROM claimable_device WHERE mac = '00809f000009'"));
        assertEquals("0", text("SELECT COUNT(*) FROM audit_event WHERE actor = 'x'"));
        assertEquals("0", text("SELECT COUNT(*) FROM import_journal"));
        assertEquals("0", text("SELECT COUNT(*) FROM import_before_device"));
    }

    @Test
    void anImportMarkedAppliedWithAllOfItThereIsKept() throws Exception {
        String id = journal.begin(TENANT, List.of(CREATED), List.of(), List.of(DELETED), Instant.now());
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device WHERE mac = ?")) {
                delete.setString(1, DELETED.value());
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device (mac, tenant_id, model, "
                    + "region, state, sip_password, created_at, updated_at) SELECT ?, tenant_id, model, region, "
                    + "state, sip_password, created_at, updated_at FROM device WHERE mac = ?")) {
                Rows.bind(insert, CREATED.value(), KEPT.value());
                insert.executeUpdate();
            }
            try (PreparedStatement audit = connection.prepareStatement("INSERT INTO audit_event (at, actor, action, "
                    + "outcome, detail) VALUES (CURRENT_TIMESTAMP, 'x', 'import', 'ok', ?)")) {
                Rows.bind(audit, "created=1" + ImportJournal.auditTag(id));
                audit.executeUpdate();
            }
            journal.markApplied(connection, id);
            return null;
        });

        assertEquals(0, journal.recover());

        assertEquals("00809f000001|00809f000003|00809f000009",
                joined("SELECT mac FROM device ORDER BY mac"));
        assertEquals("0", text("SELECT COUNT(*) FROM import_journal"));
    }

    @Test
    void anImportMarkedAppliedWithoutItsAuditRowIsUndone() throws Exception {
        String id = journal.begin(TENANT, List.of(), List.of(), List.of(DELETED), Instant.now());
        update("DELETE FROM device WHERE mac = '00809f000002'");
        database.transaction(connection -> {
            journal.markApplied(connection, id);
            return null;
        });

        assertEquals(1, journal.recover());

        assertEquals("1", text("SELECT COUNT(*) FROM device WHERE mac = '00809f000002'"));
        assertEquals("v", text("SELECT setting_value FROM device_setting WHERE mac = '00809f000002'"));
    }

    private void update(String sql) {
        database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.executeUpdate();
            }
            return null;
        });
    }

    /** The first column of every row, joined with '|' (H2's LISTAGG and PostgreSQL's STRING_AGG differ). */
    private String joined(String sql) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql);
                    ResultSet row = statement.executeQuery()) {
                List<String> values = new ArrayList<>();
                while (row.next()) {
                    values.add(row.getString(1));
                }
                return String.join("|", values);
            }
        });
    }

    private String text(String sql) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql);
                    ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        });
    }

    /**
     * Each before-image table holds every column of the table it images: a column a later
     * migration adds to one but not the other would be put back as its default by an undo.
     */
    @Test
    void everyImagedTableHasTheSameColumnsAsItsBeforeImage() throws Exception {
        for (String table : List.of("device", "device_setting", "device_contact", "dhcp_alert", "device_resync",
                "device_certificate_seen", "claimable_device")) {
            List<String> imaged = columnsOf(table);
            List<String> image = new java.util.ArrayList<>(columnsOf("import_before_" + table));
            image.remove("journal_id");
            assertEquals(imaged, image, table + " and import_before_" + table);
        }
    }

    private List<String> columnsOf(String table) throws Exception {
        try (java.sql.Connection connection = opened.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT column_name FROM information_schema.columns WHERE LOWER(table_name) = ? "
                                + "ORDER BY column_name")) {
            select.setString(1, table);
            List<String> names = new java.util.ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(java.util.Locale.ROOT));
                }
            }
            assertEquals(false, names.isEmpty(), "no table " + table);
            return names;
        }
    }
}
