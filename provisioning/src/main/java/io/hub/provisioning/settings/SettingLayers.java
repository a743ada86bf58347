package io.hub.provisioning.settings;

import io.hub.pki.MacAddress;
import io.hub.profiles.Setting;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The site and device layers of configuration, as admins set them. A layer is replaced whole and
 * checked key by key first; the keys the hub manages itself (credentials, provisioning and
 * firmware URLs) cannot be overridden.
 */
public final class SettingLayers {

    /**
     * Keys whose values the hub derives itself; an override would break the phone. The keepalive
     * interval is the registrar's Flow-Timer ({@code sipKeepaliveSeconds}): a phone pinging less
     * often than that would lose its flow. The SIP domain is the tenant's: the registrar accepts a
     * phone only in it.
     */
    public static final Set<String> MANAGED = Set.of("sip.account.user", "sip.account.authUser",
            "sip.account.password", "provisioning.url", "firmware.version", "firmware.url", "sip.keepalive.interval",
            "sip.domain");

    private final Database database;
    private final AuditLog audit;

    private final ConfigChanges changes;

    public SettingLayers(Database database, AuditLog audit) {
        this(database, audit, new ConfigChanges());
    }

    /** Every replaced layer is announced to {@code changes} once its transaction commits. */
    public SettingLayers(Database database, AuditLog audit, ConfigChanges changes) {
        this.database = database;
        this.audit = audit;
        this.changes = changes;
    }

    public Map<String, String> site(String tenant, String site) {
        return database.transaction(connection -> site(connection, tenant, site));
    }

    public Map<String, String> site(Connection connection, String tenant, String site) throws SQLException {
        if (site == null) {
            return Map.of();
        }
        return read(connection, "SELECT setting_key, setting_value FROM site_setting WHERE tenant_id = ? AND site = ?",
                tenant, site);
    }

    public Map<String, String> device(Connection connection, MacAddress mac) throws SQLException {
        return read(connection, "SELECT setting_key, setting_value FROM device_setting WHERE mac = ?", mac.value());
    }

    public Map<String, String> device(MacAddress mac) {
        return database.transaction(connection -> device(connection, mac));
    }

    /** Replaces a site's layer; 400 {@code invalid-setting} naming every bad key. */
    public Map<String, String> replaceSite(String tenant, String site, Map<String, String> settings, String actor,
            String sourceIp) {
        check(settings);
        return database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM site_setting WHERE tenant_id = ? AND site = ?")) {
                Rows.bind(delete, tenant, site);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO site_setting (tenant_id, site, "
                    + "setting_key, setting_value) VALUES (?, ?, ?, ?)")) {
                for (Map.Entry<String, String> setting : settings.entrySet()) {
                    Rows.bind(insert, tenant, site, setting.getKey(), setting.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            changes.afterCommit(ConfigChange.site(tenant, site));
            audit.record(connection, actor, sourceIp, "site-settings", AuditEvent.OK, null, null, null,
                    "site=" + site + " keys=" + new TreeMap<>(settings).keySet());
            return site(connection, tenant, site);
        });
    }

    /** Replaces a device's layer inside the caller's transaction. */
    public void replaceDevice(Connection connection, MacAddress mac, Map<String, String> settings)
            throws SQLException {
        check(settings);
        changes.afterCommit(ConfigChange.device(mac.value()));
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device_setting WHERE mac = ?")) {
            delete.setString(1, mac.value());
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO device_setting (mac, setting_key, setting_value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                Rows.bind(insert, mac.value(), setting.getKey(), setting.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** @throws ProvisioningException 400 {@code invalid-setting} naming every bad key */
    public static void check(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        settings.forEach((key, value) -> {
            if (MANAGED.contains(key)) {
                problems.add(key + " is managed by the hub and cannot be set");
                return;
            }
            Setting.forKey(key).ifPresentOrElse(setting -> {
                try {
                    setting.check(value);
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }, () -> problems.add("unknown setting '" + key + "'"));
        });
        if (!problems.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_SETTING, String.join("; ", problems));
        }
    }

    private static Map<String, String> read(Connection connection, String sql, Object... keys) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Rows.bind(statement, keys);
            Map<String, String> settings = new TreeMap<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    settings.put(row.getString(1), row.getString(2));
                }
            }
            return settings;
        }
    }
}
