package io.hub.provisioning.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.provisioning.TestHub;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant and its audit row are one transaction: both, or neither (the crash loop's tenant path). */
class TenantCreationTest {

    @TempDir
    Path home;

    private TestHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(home);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void theAuditRowIsWrittenInTheTenantsTransaction() throws Exception {
        var created = hub.adminJson("POST", "/admin/v1/tenants", "{\"name\":\"acme\"}");

        assertEquals(201, created.getStatus(), created.getContentAsString());
        assertEquals(1, count("SELECT COUNT(*) FROM tenant WHERE id = 'acme'"));
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'tenant-create' AND outcome = 'ok' "
                + "AND detail = 'tenant=acme' AND tenant_id = 'default'"));
    }

    @Test
    void aTenantWhoseAuditRowFailsIsNotCreated() throws Exception {
        SQLException failed = assertThrows(SQLException.class, () -> {
            try {
                hub.provisioning.tenants().create("acme", null, (connection, tenant) -> {
                    throw new SQLException("the audit row could not be written");
                });
            } catch (io.hub.provisioning.storage.StorageException e) {
                throw (SQLException) e.getCause();
            }
        });

        assertTrue(failed.getMessage().contains("audit row"));
        assertEquals(0, count("SELECT COUNT(*) FROM tenant WHERE id = 'acme'"));
    }

    private int count(String sql) throws SQLException {
        try (Connection connection = hub.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getInt(1);
        }
    }
}
