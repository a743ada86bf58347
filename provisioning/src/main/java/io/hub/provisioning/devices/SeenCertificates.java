package io.hub.provisioning.devices;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hub.pki.MacAddress;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * The certificates each device was seen with when it fetched its configuration or registered on
 * SIP, at most
 * {@link #PER_DEVICE} per device (the latest). A revocation by serial or by a manufacturer's CRL
 * names a certificate, not a device; this is how the hub finds the device behind it while it is
 * offline, and rotates the SIP password that certificate could fetch.
 */
public final class SeenCertificates {

    /** A phone changes certificates rarely; a few rows cover a renewal and a replacement. */
    public static final int PER_DEVICE = 4;

    /**
     * A certificate already on record for its device is written again at most this often: its row
     * only has to stay among the device's latest, and a write per configuration fetch (every
     * fetch of a phone updating one row) serialised all of its fetches on that row and a commit.
     */
    public static final Duration RECORD_EVERY = Duration.ofHours(1);
    /** Pairs remembered as written; past it the oldest are forgotten and simply written again. */
    static final int MAX_REMEMBERED = 100_000;

    private final Database database;
    private final Clock clock;
    // Upkeep on the caller's thread: handed to the common pool, it woke a thread every few reads.
    private final Cache<String, Instant> written = Caffeine.newBuilder().maximumSize(MAX_REMEMBERED)
            .executor(Runnable::run).build();

    public SeenCertificates(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A certificate seen for a device. */
    public record Seen(MacAddress mac, String fingerprint, X500Principal issuer, BigInteger serial) {
    }

    /** Remembers that {@code mac} presented {@code leaf} now, keeping only the latest {@link #PER_DEVICE}. */
    public void record(MacAddress mac, X509Certificate leaf) {
        record(mac, KeptFingerprints.sha256(leaf), leaf.getIssuerX500Principal(), leaf.getSerialNumber());
    }

    /**
     * As {@link #record(MacAddress, X509Certificate)}, from what a validation kept of the certificate;
     * a pair this object wrote less than {@link #RECORD_EVERY} ago is not written again.
     */
    public void record(MacAddress mac, String fingerprint, X500Principal issuer, BigInteger serial) {
        due(mac, fingerprint, connection -> write(connection, mac, fingerprint, issuer, serial))
                .ifPresent(database::transaction);
    }

    /**
     * The write that {@link #record(MacAddress, X509Certificate)} would make, for the caller to run
     * in a transaction of its own with its other rows (one commit); empty when none is due. The pair
     * counts as written once that transaction commits.
     */
    public Optional<Database.SqlWork<Void>> due(MacAddress mac, X509Certificate leaf) {
        String fingerprint = KeptFingerprints.sha256(leaf);
        // The issuer and serial are read only for a write: each read of them from the certificate
        // goes through its attribute map, and most calls find the pair written already.
        return due(mac, fingerprint, connection -> write(connection, mac, fingerprint, leaf.getIssuerX500Principal(),
                leaf.getSerialNumber()));
    }

    private Optional<Database.SqlWork<Void>> due(MacAddress mac, String fingerprint, RowWrite write) {
        String pair = mac.value() + "/" + fingerprint;
        Instant now = clock.instant();
        Instant last = written.getIfPresent(pair);
        if (last != null && last.plus(RECORD_EVERY).isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(connection -> {
            write.to(connection);
            Database.afterCommit(() -> written.put(pair, now));
            return null;
        });
    }

    /** The write of one sighting's row and the trimming of the device's older ones. */
    @FunctionalInterface
    private interface RowWrite {
        void to(Connection connection) throws SQLException;
    }

    private void write(Connection connection, MacAddress mac, String fingerprint, X500Principal issuer,
            BigInteger serial) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE device_certificate_seen SET last_seen = ? WHERE mac = ? AND fingerprint = ?")) {
            Rows.bind(update, clock.instant(), mac.value(), fingerprint);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device_certificate_seen "
                        + "(mac, fingerprint, issuer, serial, last_seen) VALUES (?, ?, ?, ?, ?)")) {
                    Rows.bind(insert, mac.value(), fingerprint, issuer.getName(), serial.toString(16),
                            clock.instant());
                    insert.executeUpdate();
                }
            }
        }
        List<String> older = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT fingerprint FROM "
                + "device_certificate_seen WHERE mac = ? ORDER BY last_seen DESC, fingerprint")) {
            Rows.bind(select, mac.value());
            try (ResultSet row = select.executeQuery()) {
                for (int i = 0; row.next(); i++) {
                    if (i >= PER_DEVICE) {
                        older.add(row.getString(1));
                    }
                }
            }
        }
        for (String gone : older) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM device_certificate_seen WHERE mac = ? AND fingerprint = ?")) {
                Rows.bind(delete, mac.value(), gone);
                delete.executeUpdate();
            }
        }
    }

    /** Every certificate whose revocation has not been followed up yet. */
    public List<Seen> pending() {
        return database.transaction(connection -> {
            List<Seen> seen = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT mac, fingerprint, issuer, serial "
                    + "FROM device_certificate_seen WHERE acted_at IS NULL ORDER BY mac, fingerprint");
                    ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    seen.add(new Seen(MacAddress.parse(row.getString("mac").strip()), row.getString("fingerprint")
                            .strip(), new X500Principal(row.getString("issuer")), new BigInteger(row.getString("serial"),
                            16)));
                }
            }
            return seen;
        });
    }

    /** Marks {@code seen}'s revocation as followed up, so it is not acted on again. */
    public void acted(Seen seen) {
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE device_certificate_seen SET acted_at = ? WHERE mac = ? AND fingerprint = ?")) {
                Rows.bind(update, clock.instant(), seen.mac().value(), seen.fingerprint());
                return update.executeUpdate();
            }
        });
    }
}
