package io.hub.app.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.api.ErrorCode;

/**
 * Opens the hub's H2 file once, alone, before the pool does, so that a file H2 cannot read stops
 * the start with a clear refusal instead of a stack trace or, worse, a fresh database. H2 reads the
 * file header and chunks before it writes anything, so a file it refuses is left as it was.
 */
final class DatabaseFileCheck {

    static final String FILE_SUFFIX = ".mv.db";

    private DatabaseFileCheck() {
    }

    /**
     * @param url the H2 URL the pool will use
     * @param file the database file that URL names
     * @throws DatabaseFileException when the file exists and H2 cannot open it
     */
    static void check(String url, Path file) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            if (Files.size(file) == 0) {
                throw refused(file, "is empty (0 bytes), so it is not the hub's database");
            }
        } catch (IOException e) {
            throw refused(file, "cannot be read: " + e.getMessage());
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.isValid(1);
        } catch (SQLException e) {
            throw refusal(file, e);
        }
    }

    private static DatabaseFileException refusal(Path file, SQLException e) {
        String cause = firstLine(e.getMessage());
        return switch (e.getErrorCode()) {
            case ErrorCode.FILE_VERSION_ERROR_1, ErrorCode.FILE_CORRUPTED_1, ErrorCode.FILE_ENCRYPTION_ERROR_1 ->
                refused(file, "is corrupt or was written by a newer H2 than this hub's (" + cause + ")");
            case ErrorCode.DATABASE_ALREADY_OPEN_1 -> new DatabaseFileException("database file " + file
                    + " is in use by another process (is another hub running on this home?)");
            default -> refused(file, "cannot be opened (" + cause + ")");
        };
    }

    private static DatabaseFileException refused(Path file, String why) {
        return new DatabaseFileException("database file " + file + " " + why + "; the hub left it untouched: "
                + "restore it from a backup (hub restore DIR), or move it aside to start with an empty database");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.strip().lines().findFirst().orElse("");
        // H2 ends its messages with "[code-build]"; the error code says nothing to an operator.
        return line.replaceAll("\\s*\\[\\d+-\\d+]$", "").replaceAll("\\p{Cntrl}", "?");
    }
}
