package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.storage.SealedSecrets;
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
 *
 * <p>SIP passwords are sealed on the way in and opened on the way out ({@link SealedSecrets}, bound
 * to the device's MAC): a {@link Device} carries the password, the table never does.
 */
public final class DeviceRepository {

    private static final String COLUMNS = "mac, tenant_id, model, extension, display_name, site, region, state, "
            + "sip_password, created_at, updated_at, certificate_sha256, pending_sha256, pending_since, "
            + "pending_source_ip";

    private final SealedSecrets secrets;

    private final ConfigChanges changes;

    /** With changes announced to no one (tools and tests without caches). */
    public DeviceRepository(SealedSecrets secrets) {
        this(secrets, new ConfigChanges());
    }

    /** Every write to a device is announced to {@code changes} once its transaction commits. */
    public DeviceRepository(SealedSecrets secrets, ConfigChanges changes) {
        this.changes = changes;
        this.secrets = secrets;
    }

    public Optional<Device> find(Connection connection, MacAddress mac) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM device WHERE mac = ?")) {
            statement.setString(1, mac.value());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(device(row)) : Optional.empty();
            }
        }
    }

    /** The tenant's device registered as {@code extension} (unique within a tenant). */
    public Optional<Device> byExtension(Connection connection, String tenant, String extension) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM device WHERE tenant_id = ? AND extension = ?")) {
            Rows.bind(statement, tenant, extension);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(device(row)) : Optional.empty();
            }
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

    /**
     * The MACs of the tenant's devices that hold these extensions, by extension, in one statement
     * (the live views name thousands of registered phones at once; a lookup each would be a query each).
     */
    public Map<String, MacAddress> macsByExtension(Connection connection, String tenant,
            java.util.Collection<String> extensions) throws SQLException {
        Map<String, MacAddress> macs = new HashMap<>();
        if (extensions.isEmpty()) {
            return macs;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT extension, mac FROM device WHERE tenant_id = ? AND extension = ANY(?)")) {
            statement.setString(1, tenant);
            statement.setArray(2, connection.createArrayOf("VARCHAR", extensions.toArray(String[]::new)));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    macs.put(row.getString(1), MacAddress.parse(row.getString(2).strip()));
                }
            }
        }
        return macs;
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
                "INSERT INTO device (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Device device : devices) {
                CertificateBinding certificate = device.certificate();
                changed(device.mac());
                Rows.bind(statement, device.mac().value(), device.tenant(), device.model(), device.extension(),
                        device.displayName(), device.site(), device.region(), device.state().code(),
                        secrets.seal(device.sipPassword(), device.mac().value()), device.createdAt(),
                        device.updatedAt(), certificate.bound(), certificate.pending(), certificate.pendingSince(),
                        certificate.pendingSourceIp());
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
                changed(device.mac());
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
            Rows.bind(statement, secrets.seal(sipPassword, mac.value()), mac.value());
            statement.executeUpdate();
            changed(mac);
        }
    }

    public void delete(Connection connection, String tenant, List<MacAddress> macs) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM device WHERE mac = ? AND tenant_id = ?")) {
            for (MacAddress mac : macs) {
                Rows.bind(statement, mac.value(), tenant);
                changed(mac);
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

    /** The device a certificate is bound to, if any (one at most). */
    public Optional<MacAddress> boundTo(Connection connection, String fingerprint) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT mac FROM device WHERE certificate_sha256 = ?")) {
            statement.setString(1, fingerprint);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(new MacAddress(row.getString(1))) : Optional.empty();
            }
        }
    }

    /** Every bound fingerprint with the MAC it is bound to, for validating a bulk import in memory. */
    public Map<String, String> boundFingerprints(Connection connection) throws SQLException {
        Map<String, String> bound = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT certificate_sha256, mac FROM device WHERE certificate_sha256 IS NOT NULL");
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                bound.put(row.getString(1), row.getString(2));
            }
        }
        return bound;
    }

    /** Binds the certificate to the device and forgets the pending one. */
    public void bind(Connection connection, MacAddress mac, String fingerprint, java.time.Instant now)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE device SET certificate_sha256 = ?, "
                + "pending_sha256 = NULL, pending_since = NULL, pending_source_ip = NULL, updated_at = ? WHERE mac = ?")) {
            Rows.bind(statement, fingerprint, now, mac.value());
            statement.executeUpdate();
            changed(mac);
        }
    }

    /** Forgets the bound and the pending certificate. */
    public void unbind(Connection connection, MacAddress mac, java.time.Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE device SET certificate_sha256 = NULL, "
                + "pending_sha256 = NULL, pending_since = NULL, pending_source_ip = NULL, updated_at = ? WHERE mac = ?")) {
            Rows.bind(statement, now, mac.value());
            statement.executeUpdate();
            changed(mac);
        }
    }

    /**
     * Records {@code fingerprint} as pending for the device, only while none is bound or pending.
     *
     * @return true when it was recorded; false when another request recorded one first
     */
    public boolean recordPending(Connection connection, MacAddress mac, String fingerprint, java.time.Instant at,
            String sourceIp) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE device SET pending_sha256 = ?, "
                + "pending_since = ?, pending_source_ip = ? WHERE mac = ? AND certificate_sha256 IS NULL "
                + "AND pending_sha256 IS NULL")) {
            Rows.bind(statement, fingerprint, at, clip(sourceIp, 45), mac.value());
            boolean recorded = statement.executeUpdate() == 1;
            if (recorded) {
                changed(mac);
            }
            return recorded;
        }
    }

    /** What is kept of the device in memory is dropped once the writing transaction commits. */
    private void changed(MacAddress mac) {
        changes.afterCommit(ConfigChange.device(mac.value()));
    }

    /**
     * Seals the SIP passwords an older hub stored in plain text, so that the database file alone no
     * longer reveals them; and checks that one already sealed opens with this key, so that a home
     * whose key was lost or swapped fails at start rather than at a phone's fetch.
     *
     * @return how many were sealed now
     * @throws io.hub.provisioning.storage.StorageException when a sealed password does not open
     */
    public int sealPlaintextPasswords(Connection connection) throws SQLException {
        Map<String, String> plaintext = new HashMap<>();
        String sealedSample = null;
        String sampleMac = null;
        try (PreparedStatement statement = connection.prepareStatement("SELECT mac, sip_password FROM device");
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                String stored = row.getString(2);
                if (!SealedSecrets.isSealed(stored)) {
                    plaintext.put(row.getString(1), stored);
                } else if (sealedSample == null) {
                    sealedSample = stored;
                    sampleMac = row.getString(1);
                }
            }
        }
        if (sealedSample != null) {
            secrets.open(sealedSample, sampleMac);
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE device SET sip_password = ? WHERE mac = ? AND sip_password = ?")) {
            for (Map.Entry<String, String> entry : plaintext.entrySet()) {
                Rows.bind(statement, secrets.seal(entry.getValue(), entry.getKey()), entry.getKey(), entry.getValue());
                statement.addBatch();
            }
            statement.executeBatch();
        }
        return plaintext.size();
    }

    private static String clip(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }

    private Device device(ResultSet row) throws SQLException {
        String mac = row.getString("mac");
        CertificateBinding certificate = new CertificateBinding(strip(row.getString("certificate_sha256")),
                strip(row.getString("pending_sha256")), Rows.instant(row, "pending_since"),
                row.getString("pending_source_ip"));
        return new Device(new MacAddress(mac), row.getString("tenant_id"), row.getString("model"),
                row.getString("extension"), row.getString("display_name"), row.getString("site"),
                row.getString("region"), DeviceState.fromCode(row.getString("state")),
                secrets.open(row.getString("sip_password"), mac), Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"), certificate);
    }

    /** CHAR columns may come back padded. */
    private static String strip(String value) {
        return value == null ? null : value.strip();
    }
}
