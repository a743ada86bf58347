package io.hub.app.storage;

import static io.hub.pki.CrashChildOutput.say;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Enrollments as the hub writes them, from many threads at once, in a child JVM that
 * {@link ConcurrentCommitsCrashTest} kills: each transaction inserts one device and then its audit
 * row. It says {@code committed N} after each of its first 40 commits and every 20th after, since the
 * first transactions of a process are where H2 opens their undo logs.
 *
 * <p>With {@code gated} it opens the hub's pool ({@link HubDatabase#open}); with {@code ungated} a
 * plain pool on the same URL, without {@link OneWriterAtATime}, to show what the gate prevents.
 */
public final class ConcurrentCommitsCrashChild {

    private static final int WRITERS = 8;
    private static final int PER_WRITER = 100_000;

    private ConcurrentCommitsCrashChild() {
    }

    /** Arguments: the database directory, {@code gated} or {@code ungated}. */
    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        DataSource pool = args[1].equals("gated") ? HubDatabase.open(null, directory).dataSource() : plainPool(directory);
        Database database = Database.migrate(pool);
        CommitCrashChild.createTenant(database);
        say("ready");
        AtomicInteger committed = new AtomicInteger();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread thread = new Thread(() -> enroll(database, writer, committed), "writer-" + w);
            thread.start();
        }
    }

    private static DataSource plainPool(Path directory) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(HubDatabase.h2Url(directory));
        config.setMaximumPoolSize(HubDatabase.DEFAULT_POOL_SIZE);
        return new HikariDataSource(config);
    }

    private static void enroll(Database database, int writer, AtomicInteger committed) {
        for (int i = 0; i < PER_WRITER; i++) {
            String mac = String.format("00809f%02x%04x", writer, i);
            database.transaction(connection -> {
                Instant now = Instant.now();
                try (PreparedStatement device = connection.prepareStatement("INSERT INTO device (mac, tenant_id, "
                        + "model, extension, display_name, site, region, state, sip_password, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    Rows.bind(device, mac, CommitCrashChild.TENANT, "Myriad M7", null, "Desk", "site", "eu1", "enabled", "password",
                            now, now);
                    device.executeUpdate();
                }
                try (PreparedStatement audit = connection.prepareStatement("INSERT INTO audit_event (at, actor, "
                        + "action, outcome, mac) VALUES (?, ?, ?, ?, ?)")) {
                    Rows.bind(audit, now, "crash-test", "enroll", "ok", mac);
                    audit.executeUpdate();
                }
                return null;
            });
            int count = committed.incrementAndGet();
            if (count <= 40 || count % 20 == 0) {
                say("committed " + count);
            }
        }
    }
}
