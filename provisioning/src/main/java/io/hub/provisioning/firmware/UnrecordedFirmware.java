package io.hub.provisioning.firmware;

import io.hub.provisioning.storage.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upload moves its image into place and then records it; a kill -9 between the two leaves an
 * image without its catalogue row, which is never served but would block uploading that version
 * again. At start, before anything is served, such images and stray {@code .part} files of broken
 * uploads are removed, so the catalogue and the files agree.
 */
final class UnrecordedFirmware {

    private static final Logger LOG = LoggerFactory.getLogger(UnrecordedFirmware.class);

    private UnrecordedFirmware() {
    }

    /** @return how many files were removed */
    static int remove(Database database, Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        Set<String> recorded = database.transaction(connection -> {
            Set<String> names = new HashSet<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT file_name FROM firmware_image");
                    ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    names.add(row.getString(1));
                }
            }
            return names;
        });
        int removed = 0;
        // Depth 4 reaches other tenants' images: tenants/<tenant>/<model>/<version>.bin.
        try (Stream<Path> walk = Files.walk(directory, 4)) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            for (Path file : files) {
                String name = directory.relativize(file).toString();
                boolean partial = file.getFileName().toString().endsWith(".part");
                if (partial || name.endsWith(".bin") && !recorded.contains(name)) {
                    Files.delete(file);
                    removed++;
                    LOG.warn("firmware file={} removed: {}", name.replaceAll("\\p{Cntrl}", "?"), partial
                            ? "a temporary file of an upload that broke off"
                            : "no catalogue row (an upload cut short before it was recorded)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy the firmware directory " + directory, e);
        }
        return removed;
    }
}
