package io.hub.provisioning.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home from before tenants had domains keeps working: its firmware becomes the default tenant's,
 * its audit rows are attributed to their tenants, and status history of deleted devices is dropped.
 */
class TenantMigrationTest {

    /** The database the migration runs on; {@link TenantMigrationOnPostgresTest} runs it on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    @TempDir
    Path directory;

    @Test
    void aDatabaseFromBeforeTenantsIsCarriedOver() throws Exception {
        String url = store().url(directory);
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("3").load()
                .migrate();
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO tenant VALUES ('default', 'Default', 'aa', CURRENT_TIMESTAMP)");
            sql.execute("INSERT INTO tenant VALUES ('acme', 'Acme', 'bb', CURRENT_TIMESTAMP)");
            sql.execute("INSERT INTO device (mac, tenant_id, model, region, state, sip_password, created_at, "
                    + "updated_at) VALUES ('00809f000002', 'acme', 'Myriad M7', 'eu1', 'enabled', 'pw', "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            sql.execute("INSERT INTO device_contact (mac, at, kind) VALUES ('00809f000002', CURRENT_TIMESTAMP, 'status')");
            sql.execute("INSERT INTO device_contact (mac, at, kind) VALUES ('00809f000009', CURRENT_TIMESTAMP, 'status')");
            sql.execute("INSERT INTO firmware_image VALUES ('Myriad M7', '2.0', 10, '" + "0".repeat(64)
                    + "', 'myriad-m7/2.0.bin', CURRENT_TIMESTAMP)");
            sql.execute("INSERT INTO firmware_target VALUES ('Myriad M7', '2.0')");
            sql.execute("INSERT INTO audit_event (at, actor, action, outcome, mac) VALUES "
                    + "(CURRENT_TIMESTAMP, 'device', 'status', 'ok', '00809f000002'), "
                    + "(CURRENT_TIMESTAMP, 'admin:default', 'firmware-upload', 'ok', NULL), "
                    + "(CURRENT_TIMESTAMP, 'admin', 'authenticate', 'refused', NULL)");
        }

        TestDatabase.open(store(), directory).close();

        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            assertEquals(List.of("default Myriad M7 2.0 myriad-m7/2.0.bin"), rows(sql,
                    "SELECT tenant_id || ' ' || model || ' ' || version || ' ' || file_name FROM firmware_image"));
            assertEquals(List.of("default Myriad M7 2.0"), rows(sql,
                    "SELECT tenant_id || ' ' || model || ' ' || version FROM firmware_target"));
            assertEquals(List.of("status acme", "firmware-upload default", "authenticate -"), rows(sql,
                    "SELECT action || ' ' || COALESCE(tenant_id, '-') FROM audit_event ORDER BY id"));
            assertEquals(List.of("00809f000002"), rows(sql, "SELECT mac FROM device_contact"),
                    "the history of a MAC no one holds is gone");
            assertEquals(List.of("acme -", "default -"), rows(sql,
                    "SELECT id || ' ' || COALESCE(sip_domain, '-') FROM tenant ORDER BY id"),
                    "a tenant from before keeps the domain derived from its name until one is set");
        }
    }

    private static List<String> rows(Statement sql, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet row = sql.executeQuery(query)) {
            while (row.next()) {
                rows.add(row.getString(1));
            }
        }
        return rows;
    }
}
