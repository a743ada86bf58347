package io.hub.sip;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The SIP side's tables (bindings, calls) in the hub's database: their own migrations and schema
 * history, so they share the database with provisioning and nothing else.
 */
public final class SipSchema {

    private SipSchema() {
    }

    public static void migrate(DataSource dataSource) {
        schema(dataSource).migrate();
    }

    /** The SIP side's migrations over {@code dataSource}, to migrate or to read what is applied. */
    public static Flyway schema(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/registrar")
                .table("registrar_schema_history").baselineOnMigrate(true).baselineVersion("0").load();
    }
}
