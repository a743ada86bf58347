package io.hub.provisioning.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.storage.Rows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Audit rows and status reports older than their retention go, in batches; younger ones stay. */
class RetentionTest extends AuditStoreTest {

    RetentionTest() {
        super(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @BeforeEach
    void aTenantAndADevice() {
        TestDatabase.insertTenant(database, "default");
        database.transaction(connection -> {
            connection.createStatement().execute("INSERT INTO device (mac, tenant_id, model, region, state, "
                    + "sip_password, created_at, updated_at) VALUES ('00809f000002', 'default', 'Myriad M7', 'eu1', "
                    + "'enabled', 'pw', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            return null;
        });
    }

    private void statusReport() {
        database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO device_contact (mac, at, kind) VALUES ('00809f000002', ?, 'status')")) {
                Rows.bind(statement, clock.instant());
                statement.executeUpdate();
            }
            return null;
        });
    }

    private long rows(String table) {
        return database.transaction(connection -> {
            try (ResultSet row = connection.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    @Test
    void rowsPastTheirRetentionArePurgedInBatchesAndYoungerOnesStay() {
        int old = Retention.BATCH * 2 + 7;
        for (int i = 0; i < old; i++) {
            audit.record("sip", "192.0.2.7", "register", AuditEvent.REFUSED, "unknown-aor", null, null, "old");
        }
        statusReport();
        clock.advance(Duration.ofDays(40));
        audit.record("admin:default", "127.0.0.1", "enroll", AuditEvent.OK, null, null, null, "young");
        statusReport();
        clock.advance(Duration.ofDays(60));

        Retention retention = new Retention(database, clock, Duration.ofDays(90), Duration.ofDays(30));
        Retention.Purged purged = retention.purge();

        assertEquals(old, purged.auditEvents(), "100 days old, kept 90");
        assertEquals(2, purged.statusReports(), "100 and 60 days old, kept 30");
        assertEquals(1, rows("audit_event"));
        assertEquals("young", audit.recent(null, null, 5).get(0).detail());
        assertEquals(0, rows("device_contact"));
        assertEquals(new Retention.Purged(0, 0), retention.purge(), "nothing left to purge");
    }

    @Test
    void aRetentionThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Retention(database, clock, Duration.ZERO, Duration.ofDays(30)));
        assertThrows(IllegalArgumentException.class,
                () -> new Retention(database, clock, Duration.ofDays(90), Duration.ofDays(-1)));
    }
}
