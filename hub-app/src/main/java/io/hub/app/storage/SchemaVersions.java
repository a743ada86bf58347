package io.hub.app.storage;

import io.hub.provisioning.Provisioning;
import io.hub.sip.SipSchema;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * The schema versions of the modules that keep tables, as the database's Flyway histories record
 * them. A database a newer hub migrated holds versions this hub has no migration for; Flyway would
 * ignore them and start on a schema it does not know, so {@link #requireKnown} refuses instead.
 */
public final class SchemaVersions {

    private SchemaVersions() {
    }

    private static Map<String, Flyway> schemas(DataSource dataSource) {
        Map<String, Flyway> schemas = new LinkedHashMap<>();
        schemas.put("provisioning", Provisioning.schema(dataSource));
        schemas.put("registrar", SipSchema.schema(dataSource));
        return schemas;
    }

    /** Migrates every module's schema, provisioning's first, as the modules start. */
    public static void migrateAll(DataSource dataSource) {
        schemas(dataSource).values().forEach(Flyway::migrate);
    }

    /** Per module, the version its history says is applied ({@code none} before the first migration). */
    public static Map<String, String> applied(DataSource dataSource) {
        Map<String, String> versions = new LinkedHashMap<>();
        schemas(dataSource).forEach((module, flyway) -> {
            MigrationInfo current = flyway.info().current();
            versions.put(module, current == null || current.getVersion() == null ? "none"
                    : current.getVersion().getVersion());
        });
        return versions;
    }

    /**
     * Refuses a database a newer hub migrated, and says whether this hub has migrations to apply to
     * it: one reading of each module's history serves both, where a start read them twice.
     *
     * @param database the database file (or URL) named in the refusal
     * @return whether any module has a migration its history does not record as applied
     * @throws DatabaseFileException when a module's history holds a migration this hub does not have
     */
    public static boolean requireKnown(DataSource dataSource, String database) {
        boolean pending = false;
        for (Map.Entry<String, Flyway> schema : schemas(dataSource).entrySet()) {
            String module = schema.getKey();
            MigrationInfoService info = schema.getValue().info();
            String versions = Arrays.stream(info.applied()).filter(applied -> (applied.getState() == MigrationState.FUTURE_SUCCESS
                    || applied.getState() == MigrationState.FUTURE_FAILED) && applied.getVersion() != null).map(applied -> applied.getVersion().getVersion())
                    .collect(Collectors.joining(", "));
            if (!versions.isEmpty()) {
                throw new DatabaseFileException("database file " + database + " holds " + module + " schema version "
                        + versions + ", newer than this hub knows: it was written by a newer hub; the hub left it "
                        + "untouched: run that hub, or restore a backup this version made (hub restore DIR)");
            }
            pending |= info.pending().length > 0;
        }
        return pending;
    }
}
