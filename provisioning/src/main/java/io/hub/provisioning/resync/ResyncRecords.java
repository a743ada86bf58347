package io.hub.provisioning.resync;

import io.hub.provisioning.Delivery;
import io.hub.provisioning.ResyncOutcome;
import io.hub.pki.MacAddress;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code device_resync} table, each phone's last outcome per tenant, and {@code resync_owed}, the
 * phones owed a check-sync when they register: a phone's debt is paid by a check-sync it answers 200.
 */
public final class ResyncRecords {

    private final Database database;

    public ResyncRecords(Database database) {
        this.database = database;
    }

    /** Replaces the phone's row; a phone deleted meanwhile keeps none (the row would dangle). */
    void record(String tenant, MacAddress mac, boolean reboot, Delivery delivery, java.time.Instant requestedAt,
            java.time.Instant finishedAt) {
        String detail = delivery.detail() == null ? null
                : delivery.detail().substring(0, Math.min(300, delivery.detail().length()));
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device_resync WHERE mac = ?")) {
                Rows.bind(delete, mac.value());
                delete.executeUpdate();
            }
            if (delivery.outcome() == ResyncOutcome.OK) {
                try (PreparedStatement paid = connection.prepareStatement(
                        "DELETE FROM resync_owed WHERE mac = ? AND tenant = ?")) {
                    Rows.bind(paid, mac.value(), tenant);
                    paid.executeUpdate();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device_resync (mac, tenant, "
                    + "reboot, outcome, sip_status, detail, requested_at, finished_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? "
                    + "FROM device WHERE mac = ? AND tenant_id = ?")) {
                Rows.bind(insert, mac.value(), tenant, reboot, delivery.outcome().code(), delivery.status(), detail,
                        requestedAt, finishedAt, mac.value(), tenant);
                return insert.executeUpdate();
            }
        });
    }

    /** A phone owed a check-sync, and for what. */
    record Owed(String tenant, MacAddress mac, String what) {
    }

    /** Every phone owed a check-sync, oldest debt first. */
    List<Owed> owed() {
        return database.transaction(connection -> {
            List<Owed> owed = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT tenant, mac, what FROM resync_owed ORDER BY owed_since, mac");
                    ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    owed.add(new Owed(row.getString(1), MacAddress.parse(row.getString(2).strip()), row.getString(3)));
                }
            }
            return owed;
        });
    }

    /** The tenant's phone's last outcome, if it was ever sent one. */
    public Optional<ResyncRecord> last(String tenant, MacAddress mac) {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM device_resync "
                    + "WHERE mac = ? AND tenant = ?")) {
                Rows.bind(select, mac.value(), tenant);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    Integer status = row.getObject("sip_status", Integer.class);
                    return Optional.of(new ResyncRecord(mac.value(), row.getBoolean("reboot"), row.getString("outcome"),
                            status, row.getString("detail"), Rows.instant(row, "requested_at"),
                            Rows.instant(row, "finished_at")));
                }
            }
        });
    }
}
