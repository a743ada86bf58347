package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Claimable devices: first seen kept, last seen and count bumped on every visit. */
public final class ClaimableRepository {

    public void recordSighting(Connection connection, MacAddress mac, String model, String fingerprint, String issuer,
            String sourceIp, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE claimable_device SET model = ?, "
                + "fingerprint = ?, issuer = ?, source_ip = ?, last_seen = ?, seen_count = seen_count + 1 WHERE mac = ?")) {
            Rows.bind(update, model, fingerprint, issuer, sourceIp, now, mac.value());
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO claimable_device (mac, model, "
                + "fingerprint, issuer, source_ip, first_seen, last_seen, seen_count) VALUES (?, ?, ?, ?, ?, ?, ?, 1)")) {
            Rows.bind(insert, mac.value(), model, fingerprint, issuer, sourceIp, now, now);
            insert.executeUpdate();
        }
    }

    public void remove(Connection connection, List<MacAddress> macs) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM claimable_device WHERE mac = ?")) {
            for (MacAddress mac : macs) {
                statement.setString(1, mac.value());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    public List<ClaimableDevice> list(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT mac, model, fingerprint, issuer, "
                + "source_ip, first_seen, last_seen, seen_count FROM claimable_device ORDER BY last_seen DESC");
                ResultSet row = statement.executeQuery()) {
            List<ClaimableDevice> devices = new ArrayList<>();
            while (row.next()) {
                devices.add(new ClaimableDevice(row.getString("mac"), row.getString("model"),
                        row.getString("fingerprint"), row.getString("issuer"), row.getString("source_ip"),
                        Rows.instant(row, "first_seen"), Rows.instant(row, "last_seen"), row.getLong("seen_count")));
            }
            return devices;
        }
    }
}
