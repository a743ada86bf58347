package io.hub.sip.call;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stays of an ended call: its counters, its log line and its record, written off the call's
 * lock and off the phones' flows by a thread of its own.
 */
final class CallLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallRouter.class);
    private static final int RECENT_CALLS = 100;

    private final CallRecords records;
    private final MeterRegistry metrics;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "sip-call-records");
        thread.setDaemon(true);
        return thread;
    });

    CallLedger(CallRecords records, MeterRegistry metrics) {
        this.records = records;
        this.metrics = metrics;
    }

    void ended(CallRecord record) {
        io.micrometer.core.instrument.Counter.builder("hub.calls.ended").description("calls ended, by cause")
                .tag("cause", record.cause().code()).register(metrics).increment();
        if (record.media().values().stream().anyMatch(leg -> Boolean.TRUE.equals(leg.get("qualityBreached")))) {
            // The seed's bounds: jitter above 30 ms or loss above 1 % on either leg.
            io.micrometer.core.instrument.Counter.builder("hub.calls.quality.breached")
                    .description("calls whose loss or jitter went past the configured bounds").register(metrics)
                    .increment();
        }
        LOG.info("call {} ended {} -> {}: {} status={}{}", record.id(), record.caller(), record.callee(),
                record.cause().code(), record.status(), mediaLine(record));
        try {
            writer.execute(() -> {
                try {
                    records.save(record);
                } catch (RuntimeException e) {
                    LOG.warn("call {} record not stored: {}", record.id(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("call {} record not stored: the hub is stopping", record.id());
        }
    }

    /** The latest ended calls, newest first. */
    List<CallRecord> recent() {
        return records.recent(RECENT_CALLS);
    }

    private static String mediaLine(CallRecord record) {
        StringBuilder line = new StringBuilder();
        record.media().forEach((leg, figures) -> line.append(' ').append(leg).append(" rx=")
                .append(figures.get("packetsReceived")).append(" lost=").append(figures.get("lost"))
                .append(" jitterMs=").append(figures.get("jitterMs")).append(" authFailures=")
                .append(figures.get("authFailures")));
        return line.toString();
    }

    /** Lets the records still queued be written, for a few seconds at most. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("call records still being written at stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
