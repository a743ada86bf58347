package io.hub.provisioning.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals that cost the sender nothing (a REGISTER for an unknown AOR, a wrong password) counted in
 * memory and written to the audit log aggregated: one row per source, action, reason and minute,
 * with a count and the first event's detail. The row's tenant is that of the first event's scope
 * (for SIP, the AOR's domain), looked up at the flush, so counting never reads the database. {@link #count} only adds to a map, so the
 * thread that refused never waits on the database; {@link #flush}, run by a timer, writes new rows
 * and raises the counts of the ones already written for a minute still open. A flood of refusals
 * thus costs a few rows a minute per source and reason, whatever its rate.
 *
 * <p>The table is bounded: beyond {@link #MAX_KEYS} keys in the minutes not yet flushed, refusals
 * are counted under the source {@code *}, so a spray of addresses still leaves one row per reason.
 */
public final class RefusalTally {

    static final int MAX_KEYS = 10_000;
    static final String OVERFLOW_SOURCE = "*";
    private static final Logger LOG = LoggerFactory.getLogger(RefusalTally.class);

    /** What one aggregate row is about. */
    private record Key(String actor, String sourceIp, String action, String reason, Instant minute) {
    }

    /** A key's count, the row written for it (0 before its first flush) and the count that row holds. */
    private static final class Tally {
        final String scope;
        final String detail;
        int count;
        long rowId;
        int written;

        Tally(String scope, String detail) {
            this.scope = scope;
            this.detail = detail;
        }
    }

    private final AuditLog audit;
    private final Clock clock;
    private final Function<String, String> tenantOfScope;
    private final Map<Key, Tally> tallies = new HashMap<>();
    private final Object flushing = new Object();

    /**
     * @param tenantOfScope the tenant a scope (such as an AOR's domain) belongs to, or null for the
     *     operator's rows; called at the flush, off the refusing thread
     */
    public RefusalTally(AuditLog audit, Clock clock, Function<String, String> tenantOfScope) {
        this.audit = audit;
        this.clock = clock;
        this.tenantOfScope = tenantOfScope;
    }

    /**
     * Counts one refusal; cheap, never touches the database.
     *
     * @param scope what names the tenant concerned (an AOR's domain), or null
     */
    public void count(String scope, String actor, String sourceIp, String action, String reason, String detail) {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Key key = new Key(actor, sourceIp, action, reason, minute);
        synchronized (this) {
            Tally tally = tallies.get(key);
            if (tally == null) {
                if (tallies.size() >= MAX_KEYS) {
                    key = new Key(actor, OVERFLOW_SOURCE, action, reason, minute);
                    tally = tallies.computeIfAbsent(key,
                            k -> new Tally(null, "sources beyond " + MAX_KEYS + " in one minute"));
                } else {
                    tally = new Tally(clip(scope), clip(detail));
                    tallies.put(key, tally);
                }
            }
            tally.count++;
        }
    }

    /**
     * Writes what was counted since the last flush: a row for each new key, a new count for each key
     * already written; keys of ended minutes are then forgotten. A failed write is logged and its
     * count kept for the next flush.
     */
    public void flush() {
        // One flush at a time (the timer's, a closing hub's): two would both insert a new key's row.
        synchronized (flushing) {
            flushPending();
        }
    }

    private void flushPending() {
        Instant currentMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Map<Key, Tally> pending = new HashMap<>();
        synchronized (this) {
            tallies.forEach((key, tally) -> {
                if (tally.count != tally.written) {
                    pending.put(key, tally);
                }
            });
        }
        for (Map.Entry<Key, Tally> entry : pending.entrySet()) {
            Key key = entry.getKey();
            Tally tally = entry.getValue();
            int count;
            long rowId;
            synchronized (this) {
                count = tally.count;
                rowId = tally.rowId;
            }
            try {
                if (rowId == 0) {
                    rowId = audit.recordAggregate(tenantOf(tally.scope), key.actor(), key.sourceIp(), key.action(),
                            key.reason(), key.minute(), count, tally.detail);
                } else {
                    audit.recount(rowId, count);
                }
                synchronized (this) {
                    tally.rowId = rowId;
                    tally.written = count;
                }
            } catch (RuntimeException e) {
                LOG.warn("audit of {} refusals reason={} not written yet: {}", count, key.reason(), e.toString());
            }
        }
        synchronized (this) {
            tallies.entrySet().removeIf(entry -> entry.getKey().minute().isBefore(currentMinute)
                    && entry.getValue().written == entry.getValue().count);
        }
    }

    private String tenantOf(String scope) {
        return scope == null ? null : tenantOfScope.apply(scope);
    }

    /** Keys counted and not yet forgotten. */
    synchronized int pending() {
        return tallies.size();
    }

    private static String clip(String detail) {
        return detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000);
    }
}
