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

    /** The columns a binding's row holds besides its AOR and key, in the order {@link #values} gives them. */
    private static final List<String> VALUE_COLUMNS = List.of("contact", "instance", "reg_id", "call_id", "cseq",
            "expires_at", "registered_at", "refreshed_at", "source", "transport", "user_agent", "device_mac", "cipher",
            "node");

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

    /**
     * One transaction for every change, rolled back whole when any statement fails. Each AOR's rows
     * that are not among its new bindings are deleted; a binding whose row exists is updated in
     * place, and only a new one is inserted. H2 keeps an updated row where it was and leaves the
     * primary key's index alone, so a refresh (most REGISTERs) rewrites the page its row is on, where
     * a delete and an insert also rewrote the table's last page and a page of the index: the binding
     * writer's commits were the largest part of the SIP threads' time under REGISTER load. On several
     * nodes, a binding this node writes takes over the row another node kept under the same key (the
     * phone moved here), and other nodes' other rows stay.
     */
    @Override
    public void replaceAll(List<AorBindings> changes) {
        Map<String, List<Binding>> last = new LinkedHashMap<>();
        changes.forEach(change -> last.put(change.aor(), change.bindings()));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                deleteOthers(connection, last);
                insert(connection, update(connection, last));
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

    /** The limits of the table's columns (registrar V1), which a row must fit; the user agent is clipped instead. */
    @Override
    public void check(AorBindings change) {
        fits("AOR", change.aor(), 255, false);
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Binding b : change.bindings()) {
            fits("binding key", b.key(), 600, false);
            fits("contact", b.contact(), 1000, false);
            fits("instance", b.instance(), 255, true);
            fits("Call-ID", b.callId(), 255, false);
            fits("source", b.source(), 64, true);
            fits("transport", b.transport(), 8, true);
            fits("device MAC", b.deviceMac(), 12, true);
            fits("cipher", b.cipher(), 64, true);
            if (!keys.add(b.key())) {
                throw new IllegalStateException("two bindings of " + change.aor() + " have the key " + b.key());
            }
        }
    }

    private static void fits(String what, String value, int length, boolean nullable) {
        if (value == null ? !nullable : value.length() > length) {
            throw new IllegalStateException(value == null ? "a binding has no " + what
                    : "a binding's " + what + " is longer than " + length + " characters");
        }
    }

    /** Deletes each AOR's rows of this node whose keys are not among its new bindings. */
    private void deleteOthers(Connection connection, Map<String, List<Binding>> changes) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sip_binding WHERE aor = ? "
                + (node == null ? "" : "AND (node = ? OR node IS NULL) ") + "AND NOT (binding_key = ANY (?))")) {
            for (Map.Entry<String, List<Binding>> change : changes.entrySet()) {
                int parameter = 1;
                delete.setString(parameter++, change.getKey());
                if (node != null) {
                    delete.setString(parameter++, node);
                }
                delete.setArray(parameter, connection.createArrayOf("VARCHAR",
                        change.getValue().stream().map(Binding::key).toArray()));
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /** The row of {@code b}: the {@link #VALUE_COLUMNS}, then its AOR and key, as both writes bind them. */
    private Object[] values(String aor, Binding b) {
        return new Object[] {b.contact(), b.instance(), b.regId(), b.callId(), b.cseq(), time(b.expiresAt()),
            time(b.registeredAt()), time(b.refreshedAt()), b.source(), b.transport(), clip(b.userAgent()),
            b.deviceMac(), b.cipher(), node, aor, b.key()};
    }

    /** Updates the rows that exist; returns the bindings that have none yet, each with its AOR. */
    private List<Map.Entry<String, Binding>> update(Connection connection, Map<String, List<Binding>> changes)
            throws SQLException {
        List<Map.Entry<String, Binding>> sent = new ArrayList<>();
        int[] counts;
        try (PreparedStatement update = connection.prepareStatement("UPDATE sip_binding SET "
                + String.join(" = ?, ", VALUE_COLUMNS) + " = ? WHERE aor = ? AND binding_key = ?")) {
            for (Map.Entry<String, List<Binding>> change : changes.entrySet()) {
                for (Binding b : change.getValue()) {
                    bind(update, values(change.getKey(), b));
                    update.addBatch();
                    sent.add(Map.entry(change.getKey(), b));
                }
            }
            counts = sent.isEmpty() ? new int[0] : update.executeBatch();
        }
        List<Map.Entry<String, Binding>> missing = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (counts[i] == 0) {
                missing.add(sent.get(i));
            }
        }
        return missing;
    }

    private void insert(Connection connection, List<Map.Entry<String, Binding>> bindings) throws SQLException {
        if (bindings.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sip_binding ("
                + String.join(", ", VALUE_COLUMNS) + ", aor, binding_key) VALUES ("
                + "?, ".repeat(VALUE_COLUMNS.size() + 1) + "?)")) {
            for (Map.Entry<String, Binding> binding : bindings) {
                bind(insert, values(binding.getKey(), binding.getValue()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void bind(PreparedStatement statement, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
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
