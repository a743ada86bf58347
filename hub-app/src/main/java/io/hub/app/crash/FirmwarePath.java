package io.hub.app.crash;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Firmware uploads one after the other: the catalogue and the files agree (every row has its file,
 * of the recorded size and SHA-256; no image file without its row), and every upload answered 201
 * is in the catalogue; on PostgreSQL every row's copy in the database is whole. Temporary
 * {@code .part} files are counted apart: they are never served.
 */
final class FirmwarePath implements CrashPath {

    private static final String MODEL = "Myriad M7";

    private final int count;
    private final byte[] image;

    /**
     * @param count how many images the workload uploads
     * @param bytes the size of each
     */
    FirmwarePath(int count, int bytes) {
        this.count = count;
        this.image = new byte[bytes];
        new Random(18).nextBytes(image);
    }

    @Override
    public void seed(AdminHttps admin) {
        // Uploads start from an empty catalogue.
    }

    @Override
    public Workload drive(AdminHttps admin) throws Exception {
        Set<String> acknowledged = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String version = "9." + i + ".0";
            try {
                int status = admin.send("POST", "/admin/v1/firmware?model=Myriad%20M7&version=" + version,
                        "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(image));
                if (status == 201) {
                    acknowledged.add(version);
                }
            } catch (IOException e) {
                break; // the hub is gone
            }
        }
        return new AnsweredCreated(Set.copyOf(acknowledged), count, "uploads");
    }

    @Override
    public Workload unacknowledged() {
        return new AnsweredCreated(Set.of(), count, "uploads");
    }

    @Override
    public Outcome check(Connection database, Path home, Workload workload) throws SQLException, IOException {
        Path directory = home.resolve("firmware");
        Set<Path> recorded = new HashSet<>();
        Set<String> versions = new HashSet<>();
        List<String> bad = new ArrayList<>();
        try (PreparedStatement query = database.prepareStatement(
                "SELECT version, size_bytes, sha256, file_name FROM firmware_image WHERE model = ?")) {
            query.setString(1, MODEL);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    versions.add(row.getString(1));
                    Path file = directory.resolve(row.getString(4)).normalize();
                    recorded.add(file);
                    if (!Files.isRegularFile(file)) {
                        bad.add(row.getString(1) + " has no file");
                    } else if (Files.size(file) != row.getLong(2) || !sha256(file).equals(row.getString(3).strip())) {
                        bad.add(row.getString(1) + " differs from its file");
                    }
                }
            }
        }
        List<Path> images = new ArrayList<>();
        int temporary = 0;
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (file.getFileName().toString().endsWith(".part")) {
                        temporary++;
                    } else {
                        images.add(file.normalize());
                    }
                }
            }
        }
        List<String> uncopied = uncopied(database);
        List<Path> orphans = images.stream().filter(file -> !recorded.contains(file)).toList();
        Set<String> lost = new HashSet<>(((AnsweredCreated) workload).keys());
        lost.removeAll(versions);
        String survived = versions.size() + " catalogue rows, " + images.size() + " image files, " + temporary
                + " .part files; " + workload.acknowledged();
        return new Outcome(survived, List.of(
                Invariant.of("row-has-its-file", bad.isEmpty(), String.join("; ", bad)),
                Invariant.of("no-orphan-file", orphans.isEmpty(), orphans.size() + " file(s) without a row, e.g. "
                        + (orphans.isEmpty() ? "-" : directory.relativize(orphans.get(0)))),
                Invariant.of("acknowledged-survives", lost.isEmpty(), lost.size() + " upload(s) answered 201 lost"),
                Invariant.of("row-has-its-copy", uncopied.isEmpty(), String.join("; ", uncopied))));
    }

    /**
     * On PostgreSQL, where every node serves every image, the catalogue rows whose copy in the database
     * (firmware_chunk) is not whole: recorded in one transaction with its row, it can never be partial.
     */
    private static List<String> uncopied(Connection database) throws SQLException {
        if (!"PostgreSQL".equals(database.getMetaData().getDatabaseProductName())) {
            return List.of();
        }
        List<String> bad = new ArrayList<>();
        try (PreparedStatement query = database.prepareStatement("SELECT i.version, i.size_bytes, "
                + "COALESCE(SUM(OCTET_LENGTH(c.bytes)), 0) FROM firmware_image i LEFT JOIN firmware_chunk c "
                + "ON c.tenant_id = i.tenant_id AND c.model = i.model AND c.version = i.version "
                + "WHERE i.model = ? GROUP BY i.version, i.size_bytes")) {
            query.setString(1, MODEL);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    if (row.getLong(2) != row.getLong(3)) {
                        bad.add(row.getString(1) + " has " + row.getLong(3) + " of " + row.getLong(2)
                                + " bytes copied in the database");
                    }
                }
            }
        }
        return bad;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
