package io.hub.provisioning.firmware;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The database's copy of each firmware image ({@code firmware_chunk}), so that every node of a cluster
 * serves an image uploaded on any of them, also once that node is gone. An upload writes its pieces
 * in the transaction that records the image; a node that lacks the file (or holds one that no longer
 * matches the catalogue) streams the pieces into a temporary file, checks its size and SHA-256 against
 * the catalogue, and only then moves it into place. Never more than one piece is in memory.
 */
final class FirmwareCopies {

    /** The size of one piece: small enough to hold, large enough that an image is few rows. */
    static final int PIECE = 256 * 1024;

    private FirmwareCopies() {
    }

    /** Writes {@code file} as the pieces of the image, on {@code connection} (inside the recording transaction). */
    static void write(Connection connection, String tenant, String model, String version, Path file)
            throws SQLException {
        try (InputStream in = Files.newInputStream(file);
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO firmware_chunk (tenant_id, model, version, seq, bytes) VALUES (?, ?, ?, ?, ?)")) {
            byte[] piece = new byte[PIECE];
            int seq = 0;
            int filled;
            while ((filled = in.readNBytes(piece, 0, PIECE)) > 0) {
                Rows.bind(insert, tenant, model, version, seq++);
                insert.setBytes(5, filled == PIECE ? piece : java.util.Arrays.copyOf(piece, filled));
                insert.executeUpdate();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to copy it into the database", e);
        }
    }

    /** True when the database holds pieces of the image. */
    static boolean has(Connection connection, String tenant, String model, String version) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM firmware_chunk WHERE tenant_id = ? AND model = ? AND version = ? AND seq = 0")) {
            Rows.bind(query, tenant, model, version);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    /**
     * Writes the database's copy of {@code image} to its file, checked against the catalogue first.
     *
     * @throws ProvisioningException 503 {@code firmware-unavailable} when the copy is missing, has a gap,
     *     or differs from the catalogue's size or SHA-256; then no file is left behind
     */
    static void restore(Database database, String tenant, FirmwareImage image) {
        Path target = image.file();
        Path temporary = null;
        try {
            Files.createDirectories(target.getParent());
            temporary = Files.createTempFile(target.getParent(), ".copy-", ".part");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Path into = temporary;
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(into), digest)) {
                size = database.transaction(connection -> stream(connection, tenant, image, out));
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            if (size == 0) {
                throw unavailable(image, "the database holds no copy of it (uploaded before copies were kept, "
                        + "or on a node that could not write one); upload it again");
            }
            if (size != image.size() || !sha256.equals(image.sha256().strip())) {
                throw unavailable(image, "the database's copy (" + size + " bytes, SHA-256 " + sha256
                        + ") does not match the catalogue (" + image.size() + " bytes, SHA-256 " + image.sha256()
                        + "); it was not served");
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException e) {
            throw unavailable(image, "its copy could not be written here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw unavailable(image, "its copy could not be written here: " + e.getCause().getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            FirmwareStore.discard(temporary);
        }
    }

    /** Streams the pieces in order into {@code out}; a gap in their numbers is a damaged copy. */
    private static long stream(Connection connection, String tenant, FirmwareImage image, OutputStream out)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT seq, bytes FROM firmware_chunk "
                + "WHERE tenant_id = ? AND model = ? AND version = ? ORDER BY seq")) {
            Rows.bind(query, tenant, image.model(), image.version());
            query.setFetchSize(1); // inside a transaction PostgreSQL then sends one piece at a time
            long size = 0;
            int expected = 0;
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    if (row.getInt(1) != expected) {
                        throw unavailable(image, "the database's copy lacks piece " + expected + "; it was not served");
                    }
                    byte[] piece = row.getBytes(2);
                    out.write(piece);
                    size += piece.length;
                    expected++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return size;
        }
    }

    private static ProvisioningException unavailable(FirmwareImage image, String why) {
        return new ProvisioningException(Refusal.FIRMWARE_UNAVAILABLE, image.model() + " " + image.version() + ": "
                + why);
    }
}
