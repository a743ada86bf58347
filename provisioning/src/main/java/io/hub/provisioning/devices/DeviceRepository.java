package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Devices and their contacts in SQL that H2 and PostgreSQL both run. Every method works on the
 * caller's connection, so a service can put several calls in one transaction.
 */
public final class DeviceRepository {

    private static final String COLUMNS = "mac, tenant_id, model, extension, display_name, site, region, state, "
            + "sip_password, created_at, updated_at";

    public Optional<Device> find(Connection connection, MacAddress mac) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM device WHERE mac = ?")) {
            statement.setString(1, mac.value());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(device(row)) : Optional.empty();
            }
        }
    }

    /** The devices registered as {@code extension}, across tenants. */
    public List<Device> byExtension(Connection connection, String extension) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM device WHERE extension = ?")) {
            statement.setString(1, extension);
            List<Device> devices = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    devices.add(device(row));
                }
            }
            return devices;
        }
    }

    /** Every enrolled MAC with the tenant that owns it, for validating a bulk import in memory. */
    public Map<String, String> owners(Connection connection) throws SQLException {
        Map<String, String> owners = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT mac, tenant_id FROM device");
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                owners.put(row.getString(1), row.getString(2));
            }
        }
        return owners;
    }

    /** The extensions in use in {@code tenant}, by MAC. */
    public Map<String, String> extensions(Connection connection, String tenant) throws SQLException {
        Map<String, String> extensions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT extension, mac FROM device WHERE tenant_id = ? AND extension IS NOT NULL")) {
            statement.setString(1, tenant);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    extensions.put(row.getString(1), row.getString(2));
                }
            }
        }
        return extensions;
    }

    public void insert(Connection connection, List<Device> devices) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO device (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Device device : devices) {
                Rows.bind(statement, device.mac().value(), device.tenant(), device.model(), device.extension(),
                        device.displayName(), device.site(), device.region(), device.state().code(),
                        device.sipPassword(), device.createdAt(), device.updatedAt());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * Stores the devices' descriptive fields; {@code withState} also stores their state (an import
     * line describes a device but does not enable or disable it).
     */
    public void update(Connection connection, List<Device> devices, boolean withState) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE device SET model = ?, extension = ?, "
                + "display_name = ?, site = ?, region = ?, updated_at = ?" + (withState ? ", state = ?" : "")
                + " WHERE mac = ? AND tenant_id = ?")) {
            for (Device device : devices) {
                List<Object> values = new ArrayList<>(java.util.Arrays.asList(device.model(), device.extension(),
                        device.displayName(), device.site(), device.region(), device.updatedAt()));
                if (withState) {
                    values.add(device.state().code());
                }
                values.add(device.mac().value());
                values.add(device.tenant());
                Rows.bind(statement, values.toArray());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Stores a new SIP password for the device (rotation: disable, revocation). */
    public void updatePassword(Connection connection, MacAddress mac, String sipPassword) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE device SET sip_password = ? WHERE mac = ?")) {
            Rows.bind(statement, sipPassword, mac.value());
            statement.executeUpdate();
        }
    }

    public void delete(Connection connection, String tenant, List<MacAddress> macs) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM device WHERE mac = ? AND tenant_id = ?")) {
            for (MacAddress mac : macs) {
                Rows.bind(statement, mac.value(), tenant);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** One page of a tenant's devices, ordered by MAC, filtered by whatever is not null. */
    public List<Device> list(Connection connection, String tenant, DeviceState state, String site, String model,
            int offset, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM device WHERE tenant_id = ?");
        List<Object> values = new ArrayList<>(List.of(tenant));
        if (state != null) {
            sql.append(" AND state = ?");
            values.add(state.code());
        }
        if (site != null) {
            sql.append(" AND site = ?");
            values.add(site);
        }
        if (model != null) {
            sql.append(" AND model = ?");
            values.add(model);
        }
        sql.append(" ORDER BY mac OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        values.add(offset);
        values.add(limit);
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            Rows.bind(statement, values.toArray());
            List<Device> devices = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    devices.add(device(row));
                }
            }
            return devices;
        }
    }

    public int count(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COUNT(*) FROM device WHERE tenant_id = ?")) {
            statement.setString(1, tenant);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    public void recordContact(Connection connection, io.hub.pki.MacAddress mac, DeviceContact contact)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO device_contact (mac, at, kind, "
                + "source_ip, user_agent, firmware, ip, dhcp43, dhcp66, dhcp67) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Rows.bind(statement, mac.value(), contact.at(), contact.kind(), contact.sourceIp(),
                    clip(contact.userAgent(), 300), clip(contact.firmware(), 64), clip(contact.ip(), 45),
                    clip(contact.dhcp43(), 1024), clip(contact.dhcp66(), 1024), clip(contact.dhcp67(), 1024));
            statement.executeUpdate();
        }
    }

    /** The newest contacts of a phone, newest first. */
    public List<DeviceContact> contacts(Connection connection, MacAddress mac, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT at, kind, source_ip, user_agent, "
                + "firmware, ip, dhcp43, dhcp66, dhcp67 FROM device_contact WHERE mac = ? ORDER BY id DESC "
                + "FETCH FIRST ? ROWS ONLY")) {
            Rows.bind(statement, mac.value(), limit);
            List<DeviceContact> contacts = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    contacts.add(new DeviceContact(Rows.instant(row, "at"), row.getString("kind"),
                            row.getString("source_ip"), row.getString("user_agent"), row.getString("firmware"),
                            row.getString("ip"), row.getString("dhcp43"), row.getString("dhcp66"),
                            row.getString("dhcp67")));
                }
            }
            return contacts;
        }
    }

    private static String clip(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }

    private static Device device(ResultSet row) throws SQLException {
        return new Device(new MacAddress(row.getString("mac")), row.getString("tenant_id"), row.getString("model"),
                row.getString("extension"), row.getString("display_name"), row.getString("site"),
                row.getString("region"), DeviceState.fromCode(row.getString("state")), row.getString("sip_password"),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
