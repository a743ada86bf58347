package io.hub.provisioning.audit;

import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the audit log ({@code audit_event}) and the status history ({@code device_contact}) for a
 * bounded time: rows older than their retention are deleted, oldest first, {@link #BATCH} rows per
 * transaction, so a purge never holds a long transaction (or a long lock) against the writers.
 * Run by a timer while the hub runs; time is the injected clock's.
 */
public final class Retention {

    static final int BATCH = 1_000;
    /** Batches per table and run: a huge backlog is worked off over several runs, not in one. */
    static final int MAX_BATCHES = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** Rows deleted by one run. */
    public record Purged(long auditEvents, long statusReports) {
    }

    private final Database database;
    private final Clock clock;
    private final Duration audit;
    private final Duration status;

    /**
     * @param audit how long audit rows are kept
     * @param status how long status reports (and the other contacts of the status history) are kept
     * @throws IllegalArgumentException when a retention is not positive
     */
    public Retention(Database database, Clock clock, Duration audit, Duration status) {
        if (audit.isNegative() || audit.isZero() || status.isNegative() || status.isZero()) {
            throw new IllegalArgumentException("retention must be positive: audit " + audit + ", status " + status);
        }
        this.database = database;
        this.clock = clock;
        this.audit = audit;
        this.status = status;
    }

    /** Deletes what is past its retention now; one log line when anything went. */
    public Purged purge() {
        Instant now = clock.instant();
        long events = purge("audit_event", now.minus(audit));
        long contacts = purge("device_contact", now.minus(status));
        if (events + contacts > 0) {
            LOG.info("retention purged audit_events={} status_reports={}", events, contacts);
        }
        return new Purged(events, contacts);
    }

    private long purge(String table, Instant before) {
        // The table name is one of two constants above, never input.
        String sql = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                + " WHERE at < ? ORDER BY at, id FETCH FIRST " + BATCH + " ROWS ONLY)";
        long total = 0;
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            int deleted = database.transaction(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    Rows.bind(statement, before);
                    return statement.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < BATCH) {
                break;
            }
        }
        return total;
    }
}
