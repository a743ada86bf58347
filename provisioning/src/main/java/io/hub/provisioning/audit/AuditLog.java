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
 * which certificate. Rows are only ever inserted. Each record is also one log line.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger("audit");

    private final Database database;
    private final Clock clock;

    public AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
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
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO audit_event (at, actor, "
                + "source_ip, action, outcome, reason, mac, fingerprint, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Rows.bind(statement, clock.instant(), actor, sourceIp, action, outcome, reason, mac, fingerprint,
                    detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000));
            statement.executeUpdate();
        }
        // Phone-supplied values (a status report's firmware, a URL's MAC) must not forge log lines.
        if (AuditEvent.REFUSED.equals(outcome)) {
            LOG.info("{} refused reason={} mac={} ip={} actor={} fingerprint={} detail={}", LogText.of(action),
                    LogText.of(reason), LogText.of(mac), LogText.of(sourceIp), LogText.of(actor),
                    LogText.of(fingerprint), LogText.of(detail));
        } else {
            LOG.info("{} ok mac={} ip={} actor={} detail={}", LogText.of(action), LogText.of(mac),
                    LogText.of(sourceIp), LogText.of(actor), LogText.of(detail));
        }
    }

    /** The newest events, newest first, optionally only those of one MAC. */
    public List<AuditEvent> recent(String mac, int limit) {
        return database.transaction(connection -> {
            String sql = "SELECT id, at, actor, source_ip, action, outcome, reason, mac, fingerprint, detail "
                    + "FROM audit_event" + (mac == null ? "" : " WHERE mac = ?") + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (mac == null) {
                    Rows.bind(statement, limit);
                } else {
                    Rows.bind(statement, mac, limit);
                }
                List<AuditEvent> events = new ArrayList<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        events.add(new AuditEvent(row.getLong("id"), Rows.instant(row, "at"), row.getString("actor"),
                                row.getString("source_ip"), row.getString("action"), row.getString("outcome"),
                                row.getString("reason"), row.getString("mac"), row.getString("fingerprint"),
                                row.getString("detail")));
                    }
                }
                return events;
            }
        });
    }
}
