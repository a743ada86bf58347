package io.hub.provisioning.resync;

import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.devices.DeviceState;
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
 * tenant a check-sync, sent when the phone registers again ({@link Resyncs#resumeOwed}). The debt is
 * written as rows of {@code resync_owed} in the transaction that stores the new digest, so a second
 * restart before the phones register (or a kill between the two writes) cannot lose it. The first
 * start of a database stores the layer and owes nothing: its phones fetch what it serves.
 */
public final class StartedDefaults {

    private static final Logger LOG = LoggerFactory.getLogger(StartedDefaults.class);
    static final String NAME = "global-layer";
    static final String WHAT = "deviceDefaults changed";

    private StartedDefaults() {
    }

    /**
     * Stores the layer's digest and, when it differs from the stored one, owes the phones a resync;
     * then hands {@code resyncs} every debt stored, this start's and earlier starts' alike.
     *
     * @return how many phones are owed one
     */
    public static int follow(Database database, Map<String, String> global, Resyncs resyncs,
            Clock clock) {
        String digest = digest(global);
        int newlyOwed = database.transaction(connection -> {
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
            return before.isPresent() && !before.get().equals(digest) ? oweEveryPhone(connection, clock) : 0;
        });
        if (newlyOwed > 0) {
            LOG.info("global settings layer changed since the last start: {} phone(s) are told when they register",
                    newlyOwed);
        }
        return resyncs.resumeOwed();
    }

    /** One row per enabled, assigned phone not owed already, in one statement however many phones. */
    private static int oweEveryPhone(java.sql.Connection connection, Clock clock) throws java.sql.SQLException {
        try (PreparedStatement owe = connection.prepareStatement("INSERT INTO resync_owed (mac, tenant, what, "
                + "owed_since) SELECT mac, tenant_id, ?, ? FROM device WHERE state = ? AND extension IS NOT NULL "
                + "AND TRIM(extension) <> '' AND mac NOT IN (SELECT mac FROM resync_owed)")) {
            Rows.bind(owe, WHAT, clock.instant(), DeviceState.ENABLED.code());
            return owe.executeUpdate();
        }
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
