package io.hub.provisioning.resync;

import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.tenants.Tenant;
import io.hub.provisioning.tenants.Tenants;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global settings layer comes from the hub's settings file, so it changes only across a restart,
 * when no phone has a flow to be told on. The layer's SHA-256 is kept in the database: a hub that
 * starts with another layer than the one last stored owes every enabled, assigned phone of every
 * tenant a check-sync, sent when the phone registers again ({@link Resyncs#oweAtRegistration}). The
 * first start of a database stores the layer and owes nothing: its phones fetch what it serves.
 */
public final class StartedDefaults {

    private static final Logger LOG = LoggerFactory.getLogger(StartedDefaults.class);
    static final String NAME = "global-layer";

    private StartedDefaults() {
    }

    /**
     * Stores the layer's digest and, when it differs from the stored one, owes the phones a resync.
     *
     * @return how many phones are owed one (0 when the layer is unchanged or new)
     */
    public static int follow(Database database, Map<String, String> global, Tenants tenants, Resyncs resyncs,
            Clock clock) {
        String digest = digest(global);
        Optional<String> stored = database.transaction(connection -> {
            Optional<String> before;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT sha256 FROM setting_digest WHERE name = ?")) {
                select.setString(1, NAME);
                try (ResultSet row = select.executeQuery()) {
                    before = row.next() ? Optional.of(row.getString(1).strip()) : Optional.empty();
                }
            }
            if (before.filter(digest::equals).isEmpty()) {
                try (PreparedStatement write = connection.prepareStatement(before.isPresent()
                        ? "UPDATE setting_digest SET sha256 = ?, changed_at = ? WHERE name = ?"
                        : "INSERT INTO setting_digest (sha256, changed_at, name) VALUES (?, ?, ?)")) {
                    Rows.bind(write, digest, clock.instant(), NAME);
                    write.executeUpdate();
                }
            }
            return before;
        });
        if (stored.isEmpty() || stored.get().equals(digest)) {
            return 0;
        }
        int owed = 0;
        for (Tenant tenant : tenants.list()) {
            owed += resyncs.oweAtRegistration(tenant.name(), "deviceDefaults changed").total();
        }
        LOG.info("global settings layer changed since the last start: {} phone(s) are told when they register",
                owed);
        return owed;
    }

    /** SHA-256 of the layer's {@code key=value} lines in key order, so the file's order does not count. */
    static String digest(Map<String, String> global) {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(global).forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
