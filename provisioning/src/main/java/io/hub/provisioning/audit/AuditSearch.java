package io.hub.provisioning.audit;

import io.hub.provisioning.Refusal;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The audit log filtered as the console asks: by MAC, action, outcome, reason, actor and a lower
 * bound on time, newest first. The tenant rule is {@link AuditLog#recent}'s: a tenant reads its own
 * rows, the operator (a null tenant) every row.
 */
public final class AuditSearch {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9:._@-]{1,100}");

    private final Database database;

    public AuditSearch(Database database) {
        this.database = database;
    }

    /**
     * What to look for; null fields do not filter.
     *
     * @param mac a stored MAC (12 lower-case hex digits)
     * @param outcome {@code ok} or {@code refused}
     */
    public record Query(String mac, String action, String outcome, String reason, String actor, Instant since,
            int limit) {

        /** @throws ProvisioningException 400 {@code invalid-query} naming the field */
        public Query {
            check("action", action);
            check("reason", reason);
            check("actor", actor);
            if (outcome != null && !outcome.equals(AuditEvent.OK) && !outcome.equals(AuditEvent.REFUSED)) {
                throw new ProvisioningException(Refusal.INVALID_QUERY, "outcome is ok or refused, not '"
                        + outcome + "'");
            }
        }

        private static void check(String field, String value) {
            if (value != null && !WORD.matcher(value).matches()) {
                throw new ProvisioningException(Refusal.INVALID_QUERY, field + " is 1 to 100 letters, digits "
                        + "and : . _ @ -");
            }
        }
    }

    public List<AuditEvent> find(String tenant, Query query) {
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        add(conditions, values, "tenant_id = ?", tenant);
        add(conditions, values, "mac = ?", query.mac());
        add(conditions, values, "action = ?", query.action());
        add(conditions, values, "outcome = ?", query.outcome());
        add(conditions, values, "reason = ?", query.reason());
        add(conditions, values, "actor = ?", query.actor());
        add(conditions, values, "at >= ?", query.since());
        values.add(query.limit());
        database.awaitWritesBehind(); // phones' routine audit rows are written behind
        return database.transaction(connection -> newest(connection, conditions, values));
    }

    /**
     * The newest audit rows that meet every one of {@code conditions} (SQL with {@code ?}), newest
     * first; {@code values} binds their parameters and, last, the number of rows.
     */
    static List<AuditEvent> newest(Connection connection, List<String> conditions, List<Object> values)
            throws SQLException {
        String sql = "SELECT id, at, actor, source_ip, action, outcome, reason, mac, fingerprint, detail, tenant_id, "
                + "event_count FROM audit_event" + (conditions.isEmpty() ? "" : " WHERE "
                + String.join(" AND ", conditions)) + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Rows.bind(statement, values.toArray());
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    events.add(new AuditEvent(row.getLong("id"), Rows.instant(row, "at"), row.getString("actor"),
                            row.getString("source_ip"), row.getString("action"), row.getString("outcome"),
                            row.getString("reason"), row.getString("mac"), row.getString("fingerprint"),
                            row.getString("detail"), row.getString("tenant_id"), row.getInt("event_count")));
                }
            }
            return events;
        }
    }

    private static void add(List<String> conditions, List<Object> values, String condition, Object value) {
        if (value != null) {
            conditions.add(condition);
            values.add(value);
        }
    }
}
