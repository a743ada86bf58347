package io.hub.provisioning.audit;

import io.hub.pki.log.LogText;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit and security log: every refusal and every change, with who, from where, which MAC and
 * which certificate. Rows are inserted, never changed, except the count of an aggregate row while its
 * minute lasts ({@link RefusalTally}); they are deleted only by the retention ({@link Retention}).
 * Each record is also one log line.
 *
 * <p>Each row names the tenant it concerns, so a tenant reads its own: the acting admin's tenant
 * ({@code admin:<tenant>}), else the tenant that owns the MAC at the time. A row with neither (a bad
 * token, an unenrolled phone) is the operator's alone.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger("audit");
    private static final String ADMIN = "admin:";

    private final Database database;
    private final Clock clock;

    public AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * The purge of this log's rows, and of the status history's, past their retention.
     *
     * @throws IllegalArgumentException when a retention is not positive
     */
    public Retention retention(java.time.Duration audit, java.time.Duration status) {
        return new Retention(database, clock, audit, status);
    }

    /** Records an event in its own transaction. */
    public void record(String actor, String sourceIp, String action, String outcome, String reason, String mac,
            String fingerprint, String detail) {
        database.transaction(connection -> {
            record(connection, actor, sourceIp, action, outcome, reason, mac, fingerprint, detail);
            return null;
        });
    }

    /** Records an event inside the caller's transaction, so it stands or falls with the change. */
    public void record(Connection connection, String actor, String sourceIp, String action, String outcome,
            String reason, String mac, String fingerprint, String detail) throws SQLException {
        insert(connection, tenantOf(connection, actor, mac), actor, sourceIp, action, outcome, reason, mac,
                fingerprint, detail);
    }

    /**
     * Records what a phone did, inside the caller's transaction, in the tenant of the device record
     * the request was served from: the phone's own requests (discovery, status) read it moments
     * before, so the row does not look the MAC's tenant up again.
     */
    public void recordForDevice(Connection connection, String tenant, String sourceIp, String action, String mac,
            String fingerprint, String detail) throws SQLException {
        insert(connection, tenant, "device", sourceIp, action, AuditEvent.OK, null, mac, fingerprint, detail);
    }

    /** Records an event of a known tenant (such as a SIP refusal for an AOR of its domain) in its own transaction. */
    public void recordForTenant(String tenant, String actor, String sourceIp, String action, String outcome,
            String reason, String mac, String fingerprint, String detail) {
        database.transaction(connection -> {
            insert(connection, tenant != null ? tenant : tenantOf(connection, actor, mac), actor, sourceIp, action,
                    outcome, reason, mac, fingerprint, detail);
            return null;
        });
    }

    /**
     * Writes an aggregate row: {@code count} refusals of one source and reason in the minute starting
     * at {@code minute}, one log line with the count. Returns the row's id, for {@link #recount}.
     */
    long recordAggregate(String tenant, String actor, String sourceIp, String action, String reason,
            java.time.Instant minute, int count, String detail) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_event (at, tenant_id, "
                    + "actor, source_ip, action, outcome, reason, detail, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"id"})) {
                Rows.bind(statement, minute, tenant, actor, sourceIp, action, AuditEvent.REFUSED, reason,
                        clip(detail), count);
                statement.executeUpdate();
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    keys.next();
                    LOG.info("{} refused reason={} ip={} actor={} count={} since={} detail={}", LogText.of(action),
                            LogText.of(reason), LogText.of(sourceIp), LogText.of(actor), count, minute,
                            LogText.of(detail));
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Sets the count of aggregate row {@code id}: its minute saw more refusals since it was written. */
    void recount(long id, int count) {
        database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE audit_event SET event_count = ? WHERE id = ?")) {
                Rows.bind(statement, count, id);
                statement.executeUpdate();
            }
            return null;
        });
    }

    private static String clip(String detail) {
        return detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000);
    }

    /**
     * Records an event only the operator reads (no tenant), in the caller's transaction or, with a
     * null {@code connection}, in its own: what a tenant must not learn, such as who owns a MAC.
     */
    public void recordForOperator(Connection connection, String actor, String sourceIp, String action,
            String outcome, String reason, String mac, String detail) throws SQLException {
        if (connection == null) {
            database.transaction(own -> {
                insert(own, null, actor, sourceIp, action, outcome, reason, mac, null, detail);
                return null;
            });
        } else {
            insert(connection, null, actor, sourceIp, action, outcome, reason, mac, null, detail);
        }
    }

    private static String tenantOf(Connection connection, String actor, String mac) throws SQLException {
        if (actor != null && actor.startsWith(ADMIN)) {
            return actor.substring(ADMIN.length());
        }
        if (mac == null) {
            return null;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT tenant_id FROM device WHERE mac = ?")) {
            statement.setString(1, mac);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private void insert(Connection connection, String tenant, String actor, String sourceIp, String action,
            String outcome, String reason, String mac, String fingerprint, String detail) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_event (at, tenant_id, "
                + "actor, source_ip, action, outcome, reason, mac, fingerprint, detail) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Rows.bind(statement, clock.instant(), tenant, actor, sourceIp, action, outcome, reason, mac, fingerprint,
                    clip(detail));
            statement.executeUpdate();
        }
        // Phone-supplied values (a status report's firmware, a URL's MAC) must not forge log lines.
        // An event about no phone (a tenant, a firmware image, a request without a MAC) leaves the field
        // out rather than writing mac=null; the source address and the actor say where it came from.
        if (AuditEvent.REFUSED.equals(outcome)) {
            LOG.info("{} refused reason={}{} ip={} actor={}{} detail={}", LogText.of(action), LogText.of(reason),
                    field("mac", mac), LogText.of(sourceIp), LogText.of(actor), field("fingerprint", fingerprint),
                    LogText.of(detail));
        } else {
            LOG.info("{} ok{} ip={} actor={} detail={}", LogText.of(action), field("mac", mac),
                    LogText.of(sourceIp), LogText.of(actor), LogText.of(detail));
        }
    }

    /**
     * The newest events, newest first.
     *
     * @param tenant only this tenant's events, or null for every event (the operator's view)
     * @param mac only the events of this MAC, or null
     */
    public List<AuditEvent> recent(String tenant, String mac, int limit) {
        database.awaitWritesBehind(); // phones' routine audit rows are written behind
        return database.transaction(connection -> {
            List<String> conditions = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            if (tenant != null) {
                conditions.add("tenant_id = ?");
                values.add(tenant);
            }
            if (mac != null) {
                conditions.add("mac = ?");
                values.add(mac);
            }
            values.add(limit);
            return AuditSearch.newest(connection, conditions, values);
        });
    }

    /** {@code " name=value"} escaped, or nothing when the value is unknown. */
    static String field(String name, String value) {
        return value == null ? "" : " " + name + "=" + LogText.of(value);
    }

}
