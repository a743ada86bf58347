package io.hub.provisioning;

import io.hub.provisioning.audit.RefusalTally;
import io.hub.provisioning.audit.Retention;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's timers while the hub runs: counted refusals are written every few seconds (so a
 * flood costs the SIP workers no database commit), and rows past their retention are purged every
 * hour, the first time at start ({@link Provisioning#startAuditUpkeep}). Closing writes what is still
 * counted.
 */
public final class AuditUpkeep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditUpkeep.class);
    static final long FLUSH_SECONDS = 5;
    static final long PURGE_MINUTES = 60;

    private final RefusalTally refusals;
    private final Retention retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hub-audit");
        thread.setDaemon(true);
        return thread;
    });

    AuditUpkeep(RefusalTally refusals, Retention retention) {
        this.refusals = refusals;
        this.retention = retention;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::flush, FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::purge, 0, PURGE_MINUTES, TimeUnit.MINUTES);
    }

    /**
     * Counts a refusal another part of the hub made (SIP's REGISTERs and calls): one audit row per
     * scope, source, reason and minute is written at the next flush, so a flood costs no commit each.
     *
     * @param scope the SIP domain refused in, which names the tenant whose log shows the row
     */
    public void count(String scope, String actor, String sourceIp, String action, String reason, String detail) {
        refusals.count(scope, actor, sourceIp, action, reason, detail);
    }

    /** Writes the counted refusals now (the timer does it every few seconds). */
    public void flush() {
        try {
            refusals.flush();
        } catch (RuntimeException e) {
            LOG.warn("writing counted refusals failed: {}", e.toString());
        }
    }

    /** Purges what is past its retention now (the timer does it every hour). */
    public Retention.Purged purge() {
        try {
            return retention.purge();
        } catch (RuntimeException e) {
            LOG.warn("retention purge failed: {}", e.toString());
            return new Retention.Purged(0, 0);
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
