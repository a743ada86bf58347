package io.hub.app.storage;

import static io.hub.pki.CrashChildOutput.say;
import static io.hub.pki.CrashChildOutput.watchWrites;

import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The hub's write pattern, run in a child JVM that {@link CommitCrashTest} kills: the hub's pool and
 * URL ({@link HubDatabase#open}) and provisioning's schema, other connections committing all along (as the registrar's binding
 * writes and the audit log do), and one large transaction of devices closed by its audit row, as a
 * bulk import is.
 *
 * <p>It prints {@code committing} when the transaction's work is done and its commit begins, then
 * {@code stored N} each time the database file is written while the commit runs, and
 * {@code committed} when it returns. The parent kills it at one of those lines.
 */
public final class CommitCrashChild {

    static final String TENANT = "crash";

    private CommitCrashChild() {
    }

    /** Arguments: the database directory, the number of devices in the transaction. */
    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int devices = Integer.parseInt(args[1]);
        Database database = Database.migrate(HubDatabase.open(null, directory).dataSource());
        createTenant(database);
        Thread others = new Thread(() -> commitSmallChanges(database), "other-connections");
        others.setDaemon(true);
        others.start();

        Path file = directory.resolve("hub.mv.db");
        database.transaction(connection -> {
            insertDevices(connection, devices);
            audit(connection, "import", "created=" + devices);
            watchWrites(file);
            say("committing");
            return null;
        });
        say("committed");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** The tenant {@link #TENANT} the children's devices belong to. */
    static void createTenant(Database database) {
        TestDatabase.insertTenant(database, TENANT);
    }

    private static void insertDevices(Connection connection, int count) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device (mac, tenant_id, model, "
                + "extension, display_name, site, region, state, sip_password, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Instant now = Instant.now();
            for (int i = 0; i < count; i++) {
                Rows.bind(insert, String.format("00809f%06x", i), TENANT, "Myriad M7", String.valueOf(10_000 + i),
                        "Desk " + i, "site-" + (i % 50), "eu1", "enabled", "password" + i, now, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void audit(Connection connection, String action, String detail) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_event (at, actor, action, "
                + "outcome, detail) VALUES (?, ?, ?, ?, ?)")) {
            Rows.bind(insert, Instant.now(), "crash-test", action, "ok", detail);
            insert.executeUpdate();
        }
    }

    /** Small autocommitted writes from other pool connections, until the JVM ends. */
    private static void commitSmallChanges(Database database) {
        for (long i = 0; i < 10_000_000; i++) {
            long tick = i;
            database.transaction(connection -> {
                audit(connection, "tick", "tick " + tick);
                return null;
            });
        }
    }
}
