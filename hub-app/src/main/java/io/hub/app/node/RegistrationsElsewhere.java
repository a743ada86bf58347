package io.hub.app.node;

import io.hub.sip.Registration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The registrations the other nodes of a cluster hold, read from their rows of the shared
 * {@code sip_binding} table, so that the admin API of any node lists every phone registered in the
 * cluster. Each comes with the node holding its flow; this node cannot see the flow itself (its
 * keepalive), only that the binding is unexpired. Rows of a gone node are deleted within seconds.
 */
public final class RegistrationsElsewhere {

    /** A registration and the node that holds it. */
    public record Held(String node, Registration registration) {
    }

    private final DataSource database;
    private final String self;

    public RegistrationsElsewhere(DataSource database, String self) {
        this.database = database;
        this.self = self;
    }

    /**
     * The unexpired bindings of the other nodes, by AOR.
     *
     * @throws IllegalStateException when the database does not answer
     */
    public List<Held> list(Instant now) {
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT node, aor, contact, instance, reg_id, "
                        + "expires_at, registered_at, refreshed_at, source, transport, user_agent, device_mac, cipher "
                        + "FROM sip_binding WHERE node IS NOT NULL AND node <> ? AND expires_at > ? ORDER BY aor, node")) {
            select.setString(1, self);
            select.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            List<Held> held = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    int regIdValue = row.getInt("reg_id");
                    Integer regId = row.wasNull() ? null : regIdValue;
                    held.add(new Held(row.getString("node"), new Registration(row.getString("aor"),
                            row.getString("contact"), row.getString("instance"), regId,
                            instant(row, "expires_at"), instant(row, "registered_at"), instant(row, "refreshed_at"),
                            row.getString("user_agent"), row.getString("device_mac"), 0, row.getString("source"),
                            row.getString("transport"), row.getString("cipher"), false, null)));
                }
            }
            return held;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read other nodes' bindings: " + e.getMessage(), e);
        }
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
