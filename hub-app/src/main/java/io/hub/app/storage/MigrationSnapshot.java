package io.hub.app.storage;

import io.hub.pki.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.tools.Restore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the schema migrations of the H2 file all or nothing. H2 commits each DDL statement on its
 * own, so a Flyway migration there is no transaction: a kill -9 inside one leaves part of it applied
 * and unrecorded, and every later start fails making a table that is already there. Before migrating,
 * the database is copied by H2's {@code BACKUP TO} into {@value #FILE} beside it, the copy named so by
 * an atomic rename once it is whole; once every module migrated, the copy is deleted. A start that
 * finds the copy ({@link #restoreInterrupted}, before anything opens the file) puts it back and
 * migrates again. PostgreSQL needs none of this: its DDL is transactional, and Flyway runs each
 * migration in a transaction.
 */
final class MigrationSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationSnapshot.class);
    /** The copy of the database taken before a migration, present only while one is under way. */
    static final String FILE = "hub.before-migration.zip";
    private static final String PART = FILE + ".part";

    private MigrationSnapshot() {
    }

    /**
     * Puts back the database a migration cut short by a kill left in {@code directory}, and keeps the
     * copy until the migration is done again; drops a copy that was cut short itself (the database was
     * not touched then).
     */
    static void restoreInterrupted(Path directory, String database) {
        try {
            Files.deleteIfExists(directory.resolve(PART));
            Path snapshot = directory.resolve(FILE);
            if (Files.exists(snapshot)) {
                LOG.warn("a schema migration was cut short: the database is put back as it was before it, "
                        + "then migrated again snapshot={}", snapshot);
                Restore.execute(snapshot.toString(), directory.toString(), database);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code migrations} (every module's pending ones) with a copy of the database beside them
     * until they are done, when {@code pending}.
     */
    static void migrate(DataSource dataSource, Path directory, boolean pending, Runnable migrations) {
        Path snapshot = directory.resolve(FILE);
        try {
            if (!pending) {
                // A copy put back for a hub that has nothing to migrate on it (an older one, after a
                // newer one's migration was cut short) is spent: kept, a later start would put it
                // back over everything written since.
                if (Files.deleteIfExists(snapshot)) {
                    SecureFiles.syncDirectory(directory);
                }
                return;
            }
            if (!Files.exists(snapshot)) {
                take(dataSource, directory, snapshot);
            }
            migrations.run();
            Files.delete(snapshot);
            SecureFiles.syncDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void take(DataSource dataSource, Path directory, Path snapshot) throws IOException {
        Path part = directory.resolve(PART);
        LOG.info("schema migrations pending: copying the database first snapshot={}", snapshot);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("BACKUP TO '" + part.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot copy the database before migrating its schema: " + e.getMessage(), e);
        }
        try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
            written.force(true);
        }
        Files.move(part, snapshot, StandardCopyOption.ATOMIC_MOVE);
        SecureFiles.syncDirectory(directory);
    }
}
