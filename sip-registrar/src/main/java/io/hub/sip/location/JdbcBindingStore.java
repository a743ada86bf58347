package io.hub.sip.location;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Bindings in the hub's database, in the registrar's own table (see {@link io.hub.sip.SipSchema}).
 */
public final class JdbcBindingStore implements BindingStore {

    private final DataSource dataSource;
    private final String node;

    /** The store of a hub alone: every row is its own. */
    public JdbcBindingStore(DataSource dataSource) {
        this(dataSource, null);
    }

    /**
     * The store of one node of several sharing the database: it loads, replaces and deletes the rows
     * it wrote (column {@code node}) and no other node's, except a row with the same AOR and binding
     * key as one it writes (the phone moved to this node).
     *
     * @param node this node's name, or null for a hub alone (every row is its own)
     */
    public JdbcBindingStore(DataSource dataSource, String node) {
        this.dataSource = dataSource;
        this.node = node;
        io.hub.sip.SipSchema.migrate(dataSource);
    }

    @Override
    public List<Binding> load() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT aor, contact, instance, reg_id, "
                        + "call_id, cseq, expires_at, registered_at, refreshed_at, source, transport, user_agent, "
                        + "device_mac, cipher FROM sip_binding" + (node == null ? "" : " WHERE node = ?"))) {
            if (node != null) {
                statement.setString(1, node);
            }
            return read(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the registrar's bindings: " + e.getMessage(), e);
        }
    }

    private static List<Binding> read(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            List<Binding> bindings = new ArrayList<>();
            while (row.next()) {
                int regId = row.getInt("reg_id");
                bindings.add(new Binding(row.getString("aor"), row.getString("contact"), row.getString("instance"),
                        row.wasNull() ? null : regId, row.getString("call_id"), row.getLong("cseq"),
                        instant(row, "expires_at"), instant(row, "registered_at"), instant(row, "refreshed_at"), 0,
                        row.getString("source"), row.getString("transport"), row.getString("user_agent"),
                        row.getString("device_mac"), row.getString("cipher")));
            }
            return bindings;
        }
    }

    @Override
    public void replace(String aor, List<Binding> bindings) {
        replaceAll(List.of(new AorBindings(aor, bindings)));
    }

    /**
     * One transaction for every change: a delete of each AOR's rows, then its new rows, in two
     * batches. Rolled back whole when any statement fails.
     */
    @Override
    public void replaceAll(List<AorBindings> changes) {
        Map<String, List<Binding>> last = new LinkedHashMap<>();
        changes.forEach(change -> last.put(change.aor(), change.bindings()));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement delete = connection.prepareStatement(node == null
                        ? "DELETE FROM sip_binding WHERE aor = ?"
                        : "DELETE FROM sip_binding WHERE aor = ? AND (node = ? OR node IS NULL)")) {
                    for (String aor : last.keySet()) {
                        delete.setString(1, aor);
                        if (node != null) {
                            delete.setString(2, node);
                        }
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
                if (node != null) {
                    takeOver(connection, last);
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sip_binding (aor, "
                        + "binding_key, contact, instance, reg_id, call_id, cseq, expires_at, registered_at, "
                        + "refreshed_at, source, transport, user_agent, device_mac, cipher, node) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    boolean any = false;
                    for (Map.Entry<String, List<Binding>> change : last.entrySet()) {
                        for (Binding b : change.getValue()) {
                            Object[] values = {change.getKey(), b.key(), b.contact(), b.instance(), b.regId(),
                                b.callId(), b.cseq(), time(b.expiresAt()), time(b.registeredAt()),
                                time(b.refreshedAt()), b.source(), b.transport(), clip(b.userAgent()), b.deviceMac(),
                                b.cipher(), node};
                            for (int i = 0; i < values.length; i++) {
                                insert.setObject(i + 1, values[i]);
                            }
                            insert.addBatch();
                            any = true;
                        }
                    }
                    if (any) {
                        insert.executeBatch();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the bindings of " + (last.size() == 1
                    ? last.keySet().iterator().next() : last.size() + " AORs") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the binding rows of another node, which is gone: its flows died with it, and its phones
     * register again on a node that is up.
     *
     * @return how many rows were deleted
     * @throws IllegalStateException when the database does not answer
     */
    @Override
    public int forgetNode(String gone) {
        if (gone.equals(node)) {
            throw new IllegalArgumentException("node " + gone + " cannot forget its own bindings");
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM sip_binding WHERE node = ?")) {
            delete.setString(1, gone);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the bindings of node " + gone + ": " + e.getMessage(), e);
        }
    }

    /** A binding this node writes replaces the row another node kept under the same key: the phone moved here. */
    private static void takeOver(Connection connection, Map<String, List<Binding>> changes) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sip_binding WHERE aor = ? AND "
                + "binding_key = ?")) {
            boolean any = false;
            for (Map.Entry<String, List<Binding>> change : changes.entrySet()) {
                for (Binding b : change.getValue()) {
                    delete.setString(1, change.getKey());
                    delete.setString(2, b.key());
                    delete.addBatch();
                    any = true;
                }
            }
            if (any) {
                delete.executeBatch();
            }
        }
    }

    private static String clip(String text) {
        return text == null || text.length() <= 255 ? text : text.substring(0, 255);
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }
}
