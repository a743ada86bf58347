package io.hub.sip.node;

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
 * The bindings other nodes hold for an AOR, read from the shared {@code sip_binding} table: each
 * node loads only its own rows, so a call to a phone registered elsewhere starts here. Rows of a
 * node that is gone are deleted by the others within seconds, so they are not found.
 */
final class BindingsElsewhere {

    /** One binding another node holds: the node and the contact URI the phone registered. */
    record Elsewhere(String node, String contactUri) {
    }

    private final DataSource database;
    private final String self;

    BindingsElsewhere(DataSource database, String self) {
        this.database = database;
        this.self = self;
    }

    /**
     * The unexpired bindings of {@code aor} on nodes other than this one, the freshest first.
     *
     * @throws IllegalStateException when the database does not answer
     */
    List<Elsewhere> of(String aor, Instant now) {
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT node, contact FROM sip_binding "
                        + "WHERE aor = ? AND node IS NOT NULL AND node <> ? AND expires_at > ? "
                        + "ORDER BY refreshed_at DESC")) {
            select.setString(1, aor);
            select.setString(2, self);
            select.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            List<Elsewhere> found = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    found.add(new Elsewhere(row.getString("node"),
                            row.getString("contact").replaceFirst("^<([^>]*)>.*$", "$1")));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read other nodes' bindings: " + e.getMessage(), e);
        }
    }
}
