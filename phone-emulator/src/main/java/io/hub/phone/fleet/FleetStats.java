package io.hub.phone.fleet;

import io.hub.phone.Step;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a fleet's phones measured: each step's times, the failures by step and cause, the live
 * counts the progress line shows, and what calls measured of their media.
 */
public final class FleetStats {

    private final Map<Step, Percentiles> steps = new EnumMap<>(Step.class);
    private final Map<String, Integer> failures = new TreeMap<>();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger booted = new AtomicInteger();
    final AtomicInteger registered = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger inCall = new AtomicInteger();
    final AtomicInteger keepalives = new AtomicInteger();
    final AtomicInteger flowsLost = new AtomicInteger();
    final AtomicInteger reRegistered = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger callsMade = new AtomicInteger();
    final AtomicInteger callsAnswered = new AtomicInteger();
    final AtomicInteger callsFailed = new AtomicInteger();
    private final Percentiles lossPercent = new Percentiles();
    private final Percentiles jitterMillis = new Percentiles();
    private long packetsSent;
    private long packetsReceived;

    public synchronized void step(Step step, Duration took) {
        steps.computeIfAbsent(step, s -> new Percentiles()).add(took.toNanos() / 1e6);
    }

    public synchronized void failure(Step step, String reason) {
        failures.merge(step.label() + ": " + reason, 1, Integer::sum);
    }

    /** One direction of a call's media as its receiver measured it. */
    public synchronized void media(long sent, long received, double lossPercent, double jitterMillis) {
        packetsSent += sent;
        packetsReceived += received;
        this.lossPercent.add(lossPercent);
        this.jitterMillis.add(jitterMillis);
    }

    public int registered() {
        return registered.get();
    }

    public int failed() {
        return failed.get();
    }

    public int booted() {
        return booted.get();
    }

    public int callsAnswered() {
        return callsAnswered.get();
    }

    public synchronized Map<String, Integer> failures() {
        return Map.copyOf(failures);
    }

    public synchronized Percentiles steps(Step step) {
        return steps.getOrDefault(step, new Percentiles());
    }

    public synchronized Percentiles loss() {
        return lossPercent;
    }

    /** {@code booted 120/1000  registered 118  failed 2  in call 0}. */
    public String progress(int count) {
        return String.format(Locale.ROOT, "booted %d/%d  registered %d  failed %d  in call %d  retries %d",
                booted.get(), count, registered.get(), failed.get(), inCall.get(), retries.get());
    }

    public synchronized void print(PrintWriter out) {
        out.printf(Locale.ROOT, "%-14s %6s   %s%n", "step (ms)", "count", "");
        for (Map.Entry<Step, Percentiles> entry : steps.entrySet()) {
            out.printf(Locale.ROOT, "%-14s %6d   %s%n", entry.getKey().label(), entry.getValue().count(),
                    entry.getValue().summary());
        }
        if (failures.isEmpty()) {
            out.println("failures: none");
        } else {
            out.println("failures by step and cause:");
            failures.forEach((cause, count) -> out.printf(Locale.ROOT, "  %6d  %s%n", count, cause));
        }
        out.printf(Locale.ROOT, "keepalives answered %d, flows lost %d, re-registered %d, retries %d%n",
                keepalives.get(), flowsLost.get(), reRegistered.get(), retries.get());
        if (callsMade.get() > 0) {
            out.printf(Locale.ROOT, "calls: %d made, %d answered, %d failed; media %d packets sent, %d received%n",
                    callsMade.get(), callsAnswered.get(), callsFailed.get(), packetsSent, packetsReceived);
            out.printf(Locale.ROOT, "media loss %% per direction:  p50 %.2f  p95 %.2f  max %.2f%n",
                    lossPercent.percentile(50), lossPercent.percentile(95), lossPercent.max());
            out.printf(Locale.ROOT, "media jitter ms per direction: p50 %.2f  p95 %.2f  max %.2f%n",
                    jitterMillis.percentile(50), jitterMillis.percentile(95), jitterMillis.max());
        }
    }
}
