package io.hub.provisioning;

import io.hub.pki.TrustRecord;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trusted manufacturer CAs and imported CRLs every node of a cluster takes up ({@code shared_trust},
 * {@code shared_crl}): a node writes the decisions made on its home here, and takes up the others'.
 * Of two decisions about one CA the later one is kept; of two CRLs of one CA, the newer (the caller
 * judges which, since it knows CRLs).
 */
public final class SharedTrust {

    private final Database database;

    SharedTrust(Database database) {
        this.database = database;
    }

    /**
     * Stores {@code record} unless a decision about the same CA as late or later is stored; an untrust
     * also forgets the CA's stored CRL.
     *
     * @return true when it was stored
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public boolean record(TrustRecord record) {
        // The database keeps microseconds: compared finer, every share would write the same decision again.
        Instant decidedAt = record.decidedAt().truncatedTo(ChronoUnit.MICROS);
        try {
            return database.transaction(connection -> {
                Optional<Instant> stored = decidedAt(connection, record.fingerprint());
                if (stored.isPresent() && !decidedAt.isAfter(stored.get())) {
                    return false;
                }
                String sql = stored.isPresent()
                        ? "UPDATE shared_trust SET name = ?, certificate = ?, mac_rule = ?, generic = ?, trusted = ?, "
                                + "decided_at = ? WHERE fingerprint = ?"
                        : "INSERT INTO shared_trust (name, certificate, mac_rule, generic, trusted, decided_at, "
                                + "fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)";
                try (PreparedStatement write = connection.prepareStatement(sql)) {
                    write.setString(1, record.name());
                    write.setBytes(2, record.certificate());
                    write.setString(3, record.macRule());
                    write.setBoolean(4, record.generic());
                    write.setBoolean(5, record.trusted());
                    write.setObject(6, OffsetDateTime.ofInstant(decidedAt, ZoneOffset.UTC));
                    write.setString(7, record.fingerprint());
                    write.executeUpdate();
                }
                if (!record.trusted()) {
                    // An untrusted CA's CRL goes with it, as on one node: a later trust starts without one.
                    try (PreparedStatement forget = connection.prepareStatement(
                            "DELETE FROM shared_crl WHERE ca_fingerprint = ?")) {
                        forget.setString(1, record.fingerprint());
                        forget.executeUpdate();
                    }
                }
                return true;
            });
        } catch (StorageException e) {
            // Another node inserted the same CA at the same moment (primary key): judged again next time.
            throw new Provisioning.StorageRefused(e);
        }
    }

    /**
     * Every stored decision, oldest first.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public List<TrustRecord> all() {
        try {
            return database.transaction(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT fingerprint, name, certificate, "
                        + "mac_rule, generic, trusted, decided_at FROM shared_trust ORDER BY decided_at, fingerprint");
                        ResultSet row = select.executeQuery()) {
                    List<TrustRecord> records = new ArrayList<>();
                    while (row.next()) {
                        records.add(new TrustRecord(row.getString("fingerprint"), row.getString("name"),
                                row.getBytes("certificate"), row.getString("mac_rule"), row.getBoolean("generic"),
                                row.getBoolean("trusted"), Rows.instant(row, "decided_at")));
                    }
                    return records;
                }
            });
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    /**
     * Every stored CRL (DER) by its CA's fingerprint.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public Map<String, byte[]> crls() {
        try {
            return database.transaction(connection -> {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT ca_fingerprint, crl FROM shared_crl ORDER BY ca_fingerprint");
                        ResultSet row = select.executeQuery()) {
                    Map<String, byte[]> crls = new LinkedHashMap<>();
                    while (row.next()) {
                        crls.put(row.getString(1), row.getBytes(2));
                    }
                    return crls;
                }
            });
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    /**
     * Stores {@code crl} (DER) as the CRL of the CA with {@code caFingerprint}, in place of the stored
     * one; the caller checked that it is newer.
     *
     * @throws Provisioning.StorageRefused when the database does not answer
     */
    public void recordCrl(String caFingerprint, byte[] crl, Instant now) {
        try {
            database.transaction(connection -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE shared_crl SET crl = ?, shared_at = ? WHERE ca_fingerprint = ?")) {
                    update.setBytes(1, crl);
                    update.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    update.setString(3, caFingerprint);
                    if (update.executeUpdate() > 0) {
                        return null;
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO shared_crl (ca_fingerprint, crl, shared_at) VALUES (?, ?, ?)")) {
                    insert.setString(1, caFingerprint);
                    insert.setBytes(2, crl);
                    insert.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (StorageException e) {
            throw new Provisioning.StorageRefused(e);
        }
    }

    private static Optional<Instant> decidedAt(Connection connection, String fingerprint) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT decided_at FROM shared_trust WHERE fingerprint = ?")) {
            select.setString(1, fingerprint);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(Rows.instant(row, "decided_at")) : Optional.empty();
            }
        }
    }
}
