package io.hub.provisioning.resync;

import io.hub.provisioning.ResyncOutcome;
import io.hub.provisioning.Delivery;
import io.hub.pki.MacAddress;
import io.hub.pki.log.LogText;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceChange;
import io.hub.provisioning.devices.DeviceState;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes changes to phones: each affected phone is queued once (a flood of changes coalesces into one
 * NOTIFY per phone, a reboot request wins over a plain resync), and the queue is drained at a bounded
 * rate, {@code perTick} phones per {@link #tick()} (one tick a second of the injected clock once
 * {@link #start started}), so a change to a site of thousands does not send thousands of NOTIFYs, and
 * fetches, at once. Every outcome is recorded per phone and counted per rollout.
 *
 * <p>A change made while phones cannot be reached (the defaults the hub started with) is
 * {@link #resumeOwed owed} instead: each phone is queued when it {@link #registered registers}.
 */
public final class Resyncs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Resyncs.class);
    private static final int KEPT_ROLLOUTS = 200;
    private static final int PAGE = 1000;
    /** A phone that refuses or does not answer is tried this many times in all, a tick apart at least. */
    static final int ATTEMPTS = 3;

    private final Enrollment enrollment;
    private final ResyncRecords records;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<MacAddress, Job> queue = new LinkedHashMap<>();
    private final Map<MacAddress, Job> owed = new LinkedHashMap<>();
    private final Map<String, Rollout> rollouts = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Rollout> eldest) {
            return size() > KEPT_ROLLOUTS;
        }
    };
    private volatile ResyncSender sender = ResyncSender.NONE;
    /** The AOR a device's NOTIFY goes to, for the outcome's log line; none until {@link #naming} says. */
    private volatile Function<Device, String> aorOf = device -> null;
    private volatile int perTick = 50;
    private ScheduledExecutorService ticker;
    /** When the ticker sends its next batch, by the injected clock; null before the first. */
    private Instant nextTick;

    private static final class Job {
        final String tenant;
        final MacAddress mac;
        boolean reboot;
        int attempts;
        final List<Rollout> rollouts = new ArrayList<>(1);
        final Instant queuedAt;

        Job(String tenant, MacAddress mac, boolean reboot, Instant queuedAt) {
            this.tenant = tenant;
            this.mac = mac;
            this.reboot = reboot;
            this.queuedAt = queuedAt;
        }
    }

    public Resyncs(Enrollment enrollment, ResyncRecords records, Clock clock, MeterRegistry metrics) {
        this.enrollment = enrollment;
        this.records = records;
        this.clock = clock;
        this.metrics = metrics;
        // Every outcome is in /metrics from the start, at 0 until it happens.
        for (ResyncOutcome outcome : ResyncOutcome.values()) {
            outcomeCounter(outcome);
        }
    }

    private Counter outcomeCounter(ResyncOutcome outcome) {
        return Counter.builder("hub.resync").description("check-sync NOTIFYs by outcome (ok, no-flow, timeout, "
                + "refused, gone)").tag("outcome", outcome.code()).register(metrics);
    }

    /**
     * Sets how NOTIFYs are sent and how many a tick sends, without a ticker (tests call {@link #tick()}).
     *
     * @throws IllegalArgumentException when {@code perTick} is below 1
     */
    public void sendWith(ResyncSender sender, int perTick) {
        if (perTick < 1) {
            throw new IllegalArgumentException("resyncPerSecond must be 1 or more, not " + perTick);
        }
        this.sender = sender;
        this.perTick = perTick;
    }

    /** How a device's AOR is written (its extension at its tenant's domain), for the outcomes' log lines. */
    public void naming(Function<Device, String> aorOf) {
        this.aorOf = aorOf;
    }

    /**
     * As {@link #sendWith}, and drains the queue once a second of the injected clock until closed: the
     * ticker looks ten times a second whether a tick is due, so a test's clock decides the schedule
     * and the rate can be read off the recorded times.
     */
    public synchronized void start(ResyncSender sender, int perSecond) {
        sendWith(sender, perSecond);
        if (ticker == null) {
            // The first batch a second after the start too, by the injected clock: a change made just
            // after the start waits for its tick like any other (and coalesces with the next ones).
            nextTick = clock.instant().plusSeconds(1);
            ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "hub-resync");
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleWithFixedDelay(this::tickWhenDue, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** Follows an admin's change of a device: an enabled, assigned phone that stays so is told to resync. */
    public void deviceChanged(DeviceChange change) {
        Device after = change.after();
        if (after == null || change.endsRegistration() || after.state() != DeviceState.ENABLED
                || !after.isAssigned()) {
            // Removed from SIP by the change itself: its flows are closed, there is no one to tell.
            return;
        }
        queue(after.tenant(), "device " + after.mac().value(), false, List.of(after));
    }

    /**
     * Queues every enabled, assigned phone of a site.
     *
     * @throws ProvisioningException 404 {@code no-such-site} when the site has no phone
     */
    public Rollout site(String tenant, String site, boolean reboot) {
        List<Device> phones = all(tenant, site, null);
        if (phones.isEmpty() && enrollment.list(tenant, null, site, null, 0, 1).isEmpty()) {
            throw new ProvisioningException(Refusal.NO_SUCH_SITE, "no phone is at site " + site);
        }
        return queue(tenant, "site " + site, reboot, phones);
    }

    /**
     * Takes up the check-syncs owed in the database ({@code resync_owed}) for changes phones could not
     * be told of when they were made: each phone is queued when it next {@link #registered registers}
     * (a phone owed twice is owed once), one rollout per tenant and cause whose pending count is the
     * phones not back yet. A debt stays stored until the phone answers a check-sync with 200, so one not
     * reached before the next restart is owed again then.
     *
     * @return how many phones are owed a check-sync
     */
    public synchronized int resumeOwed() {
        Map<String, Rollout> byCause = new LinkedHashMap<>();
        for (ResyncRecords.Owed debt : records.owed()) {
            Rollout rollout = byCause.computeIfAbsent(debt.tenant() + "\n" + debt.what(),
                    key -> newRollout(debt.tenant(), debt.what(), false));
            Job job = owed.computeIfAbsent(debt.mac(), mac -> new Job(debt.tenant(), mac, false, clock.instant()));
            job.rollouts.add(rollout);
            rollout.queued();
        }
        byCause.values().forEach(rollout -> LOG.info("resync owed at registration tenant={} what={} phones={}",
                LogText.of(rollout.tenant()), LogText.of(rollout.what()), rollout.total()));
        return owed.size();
    }

    /**
     * A phone registered on a new flow: what it is owed is queued now.
     *
     * @return true when it was owed something
     */
    public synchronized boolean registered(MacAddress mac) {
        Job job = owed.remove(mac);
        if (job == null) {
            return false;
        }
        Job waiting = queue.get(mac);
        if (waiting == null) {
            queue.put(mac, job);
        } else {
            waiting.rollouts.addAll(job.rollouts);
        }
        return true;
    }

    /** Phones owed a resync that have not registered since. */
    public synchronized int owed() {
        return owed.size();
    }

    /** Queues the tenant's phones of a model whose firmware target changed. */
    public Rollout model(String tenant, String model) {
        return queue(tenant, "firmware target of " + model, false, all(tenant, null, model));
    }

    /**
     * Sends one phone its NOTIFY now, outside the queue, and records the outcome.
     *
     * @throws ProvisioningException 404 {@code not-found} (also for another tenant's phone), 409
     *     {@code disabled} or {@code not-assigned} when the phone is not registering at all
     */
    public CompletableFuture<Delivery> now(String tenant, MacAddress mac, boolean reboot) {
        Device device = enrollment.find(tenant, mac);
        if (device.state() != DeviceState.ENABLED) {
            throw new ProvisioningException(Refusal.RESYNC_DISABLED, "device " + mac.value() + " is disabled");
        }
        if (!device.isAssigned()) {
            throw new ProvisioningException(Refusal.NOT_ASSIGNED, "device " + mac.value() + " has no extension");
        }
        Instant requestedAt = clock.instant();
        return safeSend(device, reboot).thenApply(delivery -> {
            finish(tenant, mac, device, reboot, delivery, requestedAt, List.of());
            return delivery;
        });
    }

    /** The tenant's rollout, if it is one of the latest. */
    public synchronized Optional<Rollout> rollout(String tenant, String id) {
        return Optional.ofNullable(rollouts.get(id)).filter(rollout -> rollout.tenant().equals(tenant));
    }

    /** The tenant's phone's last outcome. */
    public Optional<ResyncRecord> last(String tenant, MacAddress mac) {
        return records.last(tenant, mac);
    }

    /** Phones still waiting for their turn. */
    public synchronized int queued() {
        return queue.size();
    }

    /**
     * Sends the next phones in the queue, at most {@code perTick}.
     *
     * @return how many NOTIFYs (or outcomes without one, for a phone gone meanwhile) this tick started
     */
    public int tick() {
        List<Job> batch = new ArrayList<>();
        synchronized (this) {
            Iterator<Job> next = queue.values().iterator();
            while (next.hasNext() && batch.size() < perTick) {
                batch.add(next.next());
                next.remove();
            }
        }
        for (Job job : batch) {
            Optional<Device> device = current(job);
            if (device.isEmpty()) {
                finish(job.tenant, job.mac, null, job.reboot, new Delivery(ResyncOutcome.GONE, null,
                        "removed, disabled or unassigned before its turn"), job.queuedAt, job.rollouts);
                continue;
            }
            Instant requestedAt = clock.instant();
            job.attempts++;
            safeSend(device.get(), job.reboot).thenAccept(delivery -> {
                if (retries(job, delivery)) {
                    finish(job.tenant, job.mac, device.get(), job.reboot, delivery, requestedAt, List.of());
                } else {
                    finish(job.tenant, job.mac, device.get(), job.reboot, delivery, requestedAt, job.rollouts);
                }
            });
        }
        return batch.size();
    }

    /**
     * Puts a refused or unanswered phone back at the end of the queue while it has attempts left
     * (its rollouts count it once, at its last attempt); false when this outcome is its last.
     */
    private synchronized boolean retries(Job job, Delivery delivery) {
        boolean again = (delivery.outcome() == ResyncOutcome.TIMEOUT || delivery.outcome() == ResyncOutcome.REFUSED)
                && job.attempts < ATTEMPTS;
        if (again) {
            Job newer = queue.get(job.mac);
            if (newer == null) {
                queue.put(job.mac, job);
            } else {
                // A newer change queued the phone meanwhile: one NOTIFY serves both.
                newer.reboot |= job.reboot;
                newer.rollouts.addAll(job.rollouts);
                newer.attempts = Math.max(newer.attempts, job.attempts);
            }
        }
        return again;
    }

    private void tickWhenDue() {
        Instant now = clock.instant();
        synchronized (this) {
            if (nextTick != null && now.isBefore(nextTick)) {
                return;
            }
            nextTick = now.plusSeconds(1);
        }
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("resync tick failed: {}", e.toString());
        }
    }

    private Optional<Device> current(Job job) {
        try {
            Device device = enrollment.find(job.tenant, job.mac);
            return device.state() == DeviceState.ENABLED && device.isAssigned() ? Optional.of(device)
                    : Optional.empty();
        } catch (ProvisioningException notFound) {
            return Optional.empty();
        }
    }

    private CompletableFuture<Delivery> safeSend(Device device, boolean reboot) {
        try {
            return sender.send(device, reboot).exceptionally(failure -> new Delivery(ResyncOutcome.TIMEOUT, null,
                    String.valueOf(failure)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Delivery(ResyncOutcome.NO_FLOW, null, e.toString()));
        }
    }

    /** Records and counts an outcome; {@code device} is null for a phone gone before its turn (no AOR left). */
    private void finish(String tenant, MacAddress mac, Device device, boolean reboot, Delivery delivery,
            Instant requestedAt, List<Rollout> owners) {
        try {
            records.record(tenant, mac, reboot, delivery, requestedAt, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("resync outcome of mac={} not stored: {}", mac.value(), e.toString());
        }
        synchronized (this) {
            owners.forEach(rollout -> rollout.finished(delivery.outcome()));
        }
        outcomeCounter(delivery.outcome()).increment();
        String aor = device == null ? null : aorOf.apply(device);
        LOG.info("resync mac={}{} tenant={} reboot={} outcome={}{}{}", mac.value(),
                aor == null ? "" : " aor=" + LogText.of(aor), LogText.of(tenant), reboot, delivery.outcome().code(),
                delivery.status() == null ? "" : " status=" + delivery.status(),
                delivery.detail() == null ? "" : " detail=" + LogText.of(delivery.detail()));
    }

    private synchronized Rollout newRollout(String tenant, String what, boolean reboot) {
        Rollout rollout = new Rollout(UUID.randomUUID().toString().replace("-", "").substring(0, 16), tenant, what,
                reboot, clock.instant());
        rollouts.put(rollout.id(), rollout);
        return rollout;
    }

    private synchronized Rollout queue(String tenant, String what, boolean reboot, List<Device> phones) {
        Rollout rollout = newRollout(tenant, what, reboot);
        for (Device phone : phones) {
            Job job = queue.computeIfAbsent(phone.mac(), mac -> new Job(tenant, mac, reboot, clock.instant()));
            job.reboot |= reboot;
            job.rollouts.add(rollout);
            rollout.queued();
        }
        LOG.info("resync queued tenant={} what={} phones={} reboot={} waiting={}", LogText.of(tenant),
                LogText.of(what), phones.size(), reboot, queue.size());
        return rollout;
    }

    private List<Device> all(String tenant, String site, String model) {
        return all(tenant, site, model, "enabled").stream().filter(Device::isAssigned).toList();
    }

    private List<Device> all(String tenant, String site, String model, String state) {
        List<Device> phones = new ArrayList<>();
        for (int page = 0; page < 10_000; page++) {
            List<Device> some = enrollment.list(tenant, state, site, model, page, PAGE);
            phones.addAll(some);
            if (some.size() < PAGE) {
                break;
            }
        }
        return phones;
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
