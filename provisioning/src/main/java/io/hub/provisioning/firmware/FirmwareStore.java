package io.hub.provisioning.firmware;

import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.profiles.PhoneCatalogue;
import io.hub.profiles.PhoneModel;
import io.hub.provisioning.FirmwareLimits;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import io.hub.provisioning.tenants.Tenants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Each tenant's firmware images on disk ({@code var/firmware/<model>/<version>.bin} for the default
 * tenant, {@code var/firmware/tenants/<tenant>/<model>/<version>.bin} for the others) with their size
 * and digest in the database, and the tenant's target version per model. A tenant sees, targets,
 * deletes and serves its own images only. An upload is streamed to a temporary file and
 * digested on the way; only a complete one is moved into place and recorded, so a truncated upload
 * leaves nothing behind. Images are immutable: a version is uploaded once; of two uploads of the
 * same version at once, the first to finish is stored and the other refused (the check and the
 * recording are one step under the store's lock, and a file is moved into place only by the upload
 * that recorded it). One image is at most {@link FirmwareLimits#maxBytes()}, and a tenant's images
 * together at most {@link FirmwareLimits#quotaBytes()}.
 *
 * <p>On the nodes of a cluster (PostgreSQL) each image is also copied into the database when it is
 * recorded, and a node that lacks an image's file writes it from that copy before serving it
 * ({@link #servable}); on one node (H2) the files are all there is.
 */
public final class FirmwareStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FirmwareStore.class);

    /** Versions are file names too, so they may not contain a path. */
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,63}");

    private final Database database;
    private final Path directory;
    private final PhoneCatalogue catalogue;
    private final Clock clock;
    private final FirmwareLimits limits;
    private final ConfigChanges changes;
    private final boolean copies;
    /** The files this process checked against the catalogue (file and SHA-256): each is digested once. */
    private final java.util.Set<String> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Held while an upload is checked against what is stored and recorded: never while it streams. */
    private final java.util.concurrent.locks.ReentrantLock recording = new java.util.concurrent.locks.ReentrantLock();

    public FirmwareStore(Database database, Path directory, PhoneCatalogue catalogue, Clock clock) {
        this(database, directory, catalogue, clock, FirmwareLimits.standard());
    }

    public FirmwareStore(Database database, Path directory, PhoneCatalogue catalogue, Clock clock,
            FirmwareLimits limits) {
        this(database, directory, catalogue, clock, limits, new ConfigChanges());
    }

    /** Every target set is announced to {@code changes} once its transaction commits. */
    public FirmwareStore(Database database, Path directory, PhoneCatalogue catalogue, Clock clock,
            FirmwareLimits limits, ConfigChanges changes) {
        this(database, directory, catalogue, clock, limits, changes, false);
    }

    /**
     * @param copies true for the nodes of a cluster: every image is copied into the database when it is
     *     recorded, and a node serves an image it lacks from that copy ({@link FirmwareCopies})
     */
    public FirmwareStore(Database database, Path directory, PhoneCatalogue catalogue, Clock clock,
            FirmwareLimits limits, ConfigChanges changes, boolean copies) {
        this.copies = copies;
        this.changes = changes;
        this.database = database;
        this.directory = directory.toAbsolutePath().normalize();
        this.catalogue = catalogue;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * Stores an image read from {@code body}.
     *
     * @param expectedLength the declared length, or -1 when the request did not declare one
     * @throws ProvisioningException 400 {@code unknown-model}, {@code invalid-version},
     *     {@code truncated-upload}, {@code empty-upload}, 413 {@code too-large}, 507 {@code firmware-quota},
     *     409 {@code firmware-exists}; after any of them nothing is stored and no file is left
     */
    public FirmwareImage upload(String tenant, String modelName, String version, InputStream body,
            long expectedLength) {
        PhoneModel model = model(modelName);
        checkVersion(version);
        if (expectedLength > limits.maxBytes()) {
            throw tooLarge();
        }
        long room = limits.quotaBytes() - usedBytes(tenant);
        if (expectedLength > room) {
            throw overQuota(tenant, expectedLength);
        }
        if (find(tenant, model.name(), version).isPresent()) {
            throw exists(model, version);
        }
        Path target = file(tenant, model.name(), version);
        Path temporary = null;
        try {
            Files.createDirectories(target.getParent());
            temporary = Files.createTempFile(target.getParent(), ".upload-", ".part");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temporary), digest)) {
                size = copyBounded(body, out, tenant, Math.max(0, room));
            }
            if (expectedLength >= 0 && size != expectedLength) {
                throw new ProvisioningException(Refusal.TRUNCATED_UPLOAD, "received " + size + " of "
                        + expectedLength + " bytes; nothing was stored");
            }
            if (size == 0) {
                throw new ProvisioningException(Refusal.EMPTY_UPLOAD, "the firmware image is empty");
            }
            FirmwareImage image = new FirmwareImage(model.name(), version, size,
                    HexFormat.of().formatHex(digest.digest()), target, clock.instant());
            record(tenant, model, image, temporary);
            temporary = null;
            return image;
        } catch (IOException e) {
            throw new ProvisioningException(Refusal.TRUNCATED_UPLOAD, "the upload broke off: " + e.getMessage()
                    + "; nothing was stored");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            discard(temporary);
        }
    }

    /**
     * Records a complete upload and moves its file into place, as one step under the store's lock:
     * the version is checked again (another upload of it may have finished meanwhile) and so is the
     * quota (other uploads of the tenant may have), the row is written, and only then is the file moved.
     */
    private void record(String tenant, PhoneModel model, FirmwareImage image, Path temporary) throws IOException {
        recording.lock();
        try {
            if (find(tenant, model.name(), image.version()).isPresent()) {
                throw exists(model, image.version());
            }
            if (usedBytes(tenant) + image.size() > limits.quotaBytes()) {
                throw overQuota(tenant, image.size());
            }
            database.transaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO firmware_image (tenant_id, "
                        + "model, version, size_bytes, sha256, file_name, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    Rows.bind(insert, tenant, image.model(), image.version(), image.size(), image.sha256(),
                            directory.relativize(image.file()).toString(), image.uploadedAt());
                    insert.executeUpdate();
                }
                if (copies) {
                    FirmwareCopies.write(connection, tenant, image.model(), image.version(), temporary);
                }
                // Inside the transaction: a file that cannot be moved leaves no row either.
                moveIntoPlace(temporary, image.file());
                return null;
            });
            if (copies) {
                checked.add(checkedKey(image));
            }
        } finally {
            recording.unlock();
        }
    }

    /**
     * Makes sure this node can serve {@code image} from its file. On one node that is the upload's own
     * file. On a node of a cluster, a file not checked yet by this process is digested, and one that is
     * missing or does not match the catalogue is written again from the database's copy, checked first.
     *
     * @throws ProvisioningException 503 {@code firmware-unavailable} when the database's copy is missing
     *     or damaged; the message says which, and nothing is served
     */
    public FirmwareImage servable(String tenant, FirmwareImage image) {
        if (!copies || checked.contains(checkedKey(image))) {
            return image;
        }
        if (!matches(image)) {
            FirmwareCopies.restore(database, tenant, image);
            LOG.info("firmware tenant={} model={} version={} copied here from the database ({} bytes, SHA-256 "
                    + "checked)", tenant, image.model(), image.version(), image.size());
        }
        checked.add(checkedKey(image));
        return image;
    }

    /**
     * On the nodes of a cluster, copies into the database the images this node holds that have no copy
     * there yet (uploaded before copies were kept), once their file matches the catalogue; call at start.
     *
     * @return how many images were copied
     */
    public int copyLocalImages() {
        if (!copies) {
            return 0;
        }
        List<String[]> missing = database.transaction(connection -> {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT tenant_id, model, version "
                    + "FROM firmware_image i WHERE NOT EXISTS (SELECT 1 FROM firmware_chunk c WHERE "
                    + "c.tenant_id = i.tenant_id AND c.model = i.model AND c.version = i.version)");
                    ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(new String[] {row.getString(1), row.getString(2), row.getString(3)});
                }
            }
            return rows;
        });
        int copied = 0;
        for (String[] row : missing) {
            Optional<FirmwareImage> image = find(row[0], row[1], row[2]);
            if (image.isEmpty() || !matches(image.get())) {
                continue; // another node holds it, or nobody does: it stays unavailable elsewhere
            }
            try {
                database.transaction(connection -> {
                    if (!FirmwareCopies.has(connection, row[0], row[1], row[2])) {
                        FirmwareCopies.write(connection, row[0], row[1], row[2], image.get().file());
                    }
                    return null;
                });
                copied++;
                LOG.info("firmware tenant={} model={} version={} copied into the database", row[0], row[1], row[2]);
            } catch (io.hub.provisioning.storage.StorageException e) {
                // Another node copied it at the same moment (primary key): the database holds a copy.
                LOG.info("firmware tenant={} model={} version={} not copied: {}", row[0], row[1], row[2],
                        e.getMessage());
            }
        }
        return copied;
    }

    /** True when the image's file exists with the catalogue's size and SHA-256. */
    private static boolean matches(FirmwareImage image) {
        Path file = image.file();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != image.size()) {
                return false;
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                int read;
                while ((read = in.read(buffer)) != -1) {
                    digest.update(buffer, 0, read);
                }
            }
            return HexFormat.of().formatHex(digest.digest()).equals(image.sha256().strip());
        } catch (IOException e) {
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checkedKey(FirmwareImage image) {
        return image.file() + "|" + image.sha256().strip();
    }

    private static void moveIntoPlace(Path temporary, Path target) {
        try {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What the tenant's images take together, in bytes. */
    public long usedBytes(String tenant) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT COALESCE(SUM(size_bytes), 0) FROM firmware_image WHERE tenant_id = ?")) {
                statement.setString(1, tenant);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    private ProvisioningException tooLarge() {
        return new ProvisioningException(Refusal.TOO_LARGE, "firmware images are at most " + limits.maxBytes()
                + " bytes (firmwareMaxBytes)");
    }

    private ProvisioningException overQuota(String tenant, long more) {
        return new ProvisioningException(Refusal.FIRMWARE_QUOTA, "tenant " + tenant + "'s images take "
                + usedBytes(tenant) + " of its " + limits.quotaBytes() + " bytes (firmwareQuotaBytes); "
                + (more >= 0 ? more + " more do not fit" : "this image does not fit") + "; delete an image first");
    }

    private static ProvisioningException exists(PhoneModel model, String version) {
        return new ProvisioningException(Refusal.FIRMWARE_EXISTS, model.name() + " " + version
                + " is already stored; images are immutable, upload a new version");
    }

    /**
     * Removes image files without a catalogue row and stray temporary files, which a kill -9 during
     * an upload can leave; call at start, before anything is served.
     *
     * @return how many files were removed
     */
    public int removeUnrecordedFiles() {
        return UnrecordedFirmware.remove(database, directory);
    }

    /** The tenant's image of this model and version. */
    public Optional<FirmwareImage> find(String tenant, String modelName, String version) {
        Optional<PhoneModel> model = catalogue.find(modelName);
        if (model.isEmpty() || !VERSION.matcher(version).matches()) {
            return Optional.empty();
        }
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT model, version, size_bytes, sha256, "
                    + "file_name, uploaded_at FROM firmware_image WHERE tenant_id = ? AND model = ? AND version = ?")) {
                Rows.bind(statement, tenant, model.get().name(), version);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(image(row)) : Optional.<FirmwareImage>empty();
                }
            }
        });
    }

    /** The tenant's images. */
    public List<FirmwareImage> list(String tenant) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT model, version, size_bytes, sha256, "
                    + "file_name, uploaded_at FROM firmware_image WHERE tenant_id = ? ORDER BY model, uploaded_at")) {
                statement.setString(1, tenant);
                List<FirmwareImage> images = new ArrayList<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        images.add(image(row));
                    }
                }
                return images;
            }
        });
    }

    /** Sets the version every phone of the tenant and model should run; the tenant's image must be stored. */
    public FirmwareImage setTarget(String tenant, String modelName, String version) {
        PhoneModel model = model(modelName);
        FirmwareImage image = find(tenant, model.name(), version).orElseThrow(() -> new ProvisioningException(
                Refusal.UNKNOWN_FIRMWARE, "no firmware " + version + " is stored for " + model.name()));
        database.transaction(connection -> {
            changes.afterCommit(ConfigChange.model(tenant, model.name()));
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE firmware_target SET version = ? WHERE tenant_id = ? AND model = ?")) {
                Rows.bind(update, version, tenant, model.name());
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO firmware_target (tenant_id, model, version) VALUES (?, ?, ?)")) {
                        Rows.bind(insert, tenant, model.name(), version);
                        insert.executeUpdate();
                    }
                }
            }
            return null;
        });
        return image;
    }

    /** The tenant's target image of a model, if it set one. */
    public Optional<FirmwareImage> target(String tenant, String modelName) {
        Optional<PhoneModel> model = catalogue.find(modelName);
        if (model.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> version = database.transaction(connection -> targetVersion(connection, tenant,
                model.get().name()));
        return version.flatMap(v -> find(tenant, model.get().name(), v));
    }

    /** Deletes one of the tenant's images that it does not target. */
    public void delete(String tenant, String modelName, String version) {
        PhoneModel model = model(modelName);
        FirmwareImage image = find(tenant, model.name(), version).orElseThrow(() -> new ProvisioningException(
                Refusal.UNKNOWN_FIRMWARE, "no firmware " + version + " is stored for " + model.name()));
        database.transaction(connection -> {
            if (targetVersion(connection, tenant, model.name()).filter(version::equals).isPresent()) {
                throw new ProvisioningException(Refusal.FIRMWARE_IN_USE, model.name() + " " + version
                        + " is the target of its model; set another target first");
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM firmware_image WHERE tenant_id = ? AND model = ? AND version = ?")) {
                Rows.bind(delete, tenant, model.name(), version);
                delete.executeUpdate();
            }
            return null;
        });
        try {
            Files.deleteIfExists(image.file());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + image.file(), e);
        }
    }

    private static Optional<String> targetVersion(Connection connection, String tenant, String model)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT version FROM firmware_target WHERE tenant_id = ? AND model = ?")) {
            Rows.bind(statement, tenant, model);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    private PhoneModel model(String name) {
        return catalogue.find(name).orElseThrow(() -> new ProvisioningException(Refusal.UNKNOWN_MODEL,
                "unknown model '" + name + "'"));
    }

    private static void checkVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new ProvisioningException(Refusal.INVALID_VERSION, "version '" + version + "' must be 1 to 64 "
                    + "letters, digits or . _ + -, starting with a letter or digit");
        }
    }

    private Path file(String tenant, String model, String version) {
        String folder = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        // The default tenant keeps the layout of homes from before tenants; tenant names are checked
        // (lower-case letters, digits, dashes), so they cannot leave the store either.
        Path root = Tenants.DEFAULT.equals(tenant) ? directory : directory.resolve("tenants").resolve(tenant);
        Path file = root.resolve(folder).resolve(version + ".bin").normalize();
        if (!file.startsWith(directory)) {
            throw new ProvisioningException(Refusal.INVALID_VERSION, "version '" + version + "' leaves the store");
        }
        return file;
    }

    private FirmwareImage image(ResultSet row) throws SQLException {
        return new FirmwareImage(row.getString("model"), row.getString("version"), row.getLong("size_bytes"),
                row.getString("sha256"), directory.resolve(row.getString("file_name")), Rows.instant(row, "uploaded_at"));
    }

    /** Copies the body; past the image limit or the tenant's room it is refused mid-stream. */
    private long copyBounded(InputStream in, OutputStream out, String tenant, long room) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) != -1) {
            total += read;
            if (total > limits.maxBytes()) {
                throw tooLarge();
            }
            if (total > room) {
                throw overQuota(tenant, -1);
            }
            out.write(buffer, 0, read);
        }
        return total;
    }

    /** Removes a temporary file that was not moved into place; null is nothing to remove. */
    static void discard(Path temporary) {
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // A stray .part file is harmless and never served; the next start removes it.
            }
        }
    }
}
