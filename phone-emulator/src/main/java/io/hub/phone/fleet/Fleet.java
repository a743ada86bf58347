package io.hub.phone.fleet;

import io.hub.phone.Phone;
import io.hub.phone.PhoneSettings;
import io.hub.phone.Step;
import io.hub.phone.StepFailure;
import io.hub.phone.SipUserAgent;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.net.NetLoop;
import io.hub.pki.MacAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Many phones at once, as after a power cut: booted at a steady rate, kept registered with their
 * keepalives for a while, optionally calling each other, then stopped. Every phone runs on one
 * {@link NetLoop}; certificates are made on two worker threads. A progress line shows the counts as
 * they move and the summary gives each step's percentiles and the failures by cause.
 */
public final class Fleet {

    /**
     * What to run.
     *
     * @param firstMac the first phone's MAC; the others count up from it
     * @param locals addresses the phones send from, one each, if given
     * @param calls how many calls to make once the fleet has booted (0 for none)
     * @param register false to stop each phone after provisioning (no SIP)
     */
    public record Plan(int count, double rate, MacAddress firstMac, String model, Duration hold,
            Optional<LocalAddresses> locals, int calls, Duration callLength, boolean register) {
        public Plan {
            if (count < 1 || rate <= 0) {
                throw new IllegalArgumentException("a fleet needs at least one phone and a positive rate");
            }
        }
    }

    /** Makes calls between registered phones of the fleet; given by the call side. */
    public interface CallMaker {
        /** Runs {@code calls} calls between {@code phones}, recording into {@code stats}; completes when all ended. */
        CompletableFuture<Void> run(List<Phone> phones, int calls, Duration length, FleetStats stats);
    }

    private final NetLoop loop;
    private final PhoneSettings settings;
    private final PhoneCertificates certificates;
    private final Plan plan;
    private final FleetStats stats = new FleetStats();
    private final List<Phone> phones = new ArrayList<>();
    private final CallMaker callMaker;

    public Fleet(NetLoop loop, PhoneSettings settings, PhoneCertificates certificates, Plan plan, CallMaker callMaker) {
        this.loop = loop;
        this.settings = settings;
        this.certificates = certificates;
        this.plan = plan;
        this.callMaker = callMaker;
    }

    public FleetStats stats() {
        return stats;
    }

    /** The fleet's phones, in MAC order. */
    public List<Phone> phones() {
        return List.copyOf(phones);
    }

    /**
     * Runs the whole plan and returns when every phone has stopped.
     *
     * @param progress told a progress line about once a second
     */
    public FleetStats run(Consumer<String> progress) throws InterruptedException {
        ExecutorService certificateWork = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "phone-certificates");
            thread.setDaemon(true);
            return thread;
        });
        ScheduledFuture<?> ticker = loop.every(() -> progress.accept(stats.progress(plan.count())),
                Duration.ofSeconds(1));
        List<CompletableFuture<SipUserAgent>> boots = new ArrayList<>();
        try {
            long mac = Long.parseLong(plan.firstMac().value(), 16);
            for (int i = 0; i < plan.count(); i++) {
                MacAddress phoneMac = MacAddress.parse(String.format("%012x", mac + i));
                Phone phone = new Phone(loop, settings, certificates, certificateWork, phoneMac, plan.model(),
                        plan.locals().map(l -> l.address(phones.size())).orElse(null), new Watcher());
                phones.add(phone);
                CompletableFuture<SipUserAgent> boot = new CompletableFuture<>();
                boots.add(boot);
                long delayNanos = (long) (i * 1e9 / plan.rate());
                loop.schedule(() -> {
                    stats.started.incrementAndGet();
                    phone.boot(plan.register()).whenComplete((agent, error) -> {
                        if (error == null) {
                            boot.complete(agent);
                        } else {
                            boot.completeExceptionally(error);
                        }
                    });
                }, Duration.ofNanos(delayNanos));
            }
            awaitAll(boots, Duration.ofSeconds((long) Math.ceil(plan.count() / plan.rate()))
                    .plus(bootBudget()));
            if (plan.calls() > 0 && callMaker != null) {
                List<Phone> registered = phones.stream().filter(p -> p.agent() != null && p.agent().isRegistered())
                        .toList();
                try {
                    callMaker.run(registered, plan.calls(), plan.callLength(), stats)
                            .get(plan.callLength().toSeconds() + 60L + plan.calls() / 10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    progress.accept("calls did not all end: " + StepFailure.of(e).detail());
                }
            }
            if (!plan.hold().isZero()) {
                Thread.sleep(plan.hold().toMillis());
            }
        } finally {
            List<CompletableFuture<Void>> stops = phones.stream().map(Phone::stop).toList();
            try {
                CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                progress.accept("some phones did not stop in 30 s");
            }
            ticker.cancel(false);
            certificateWork.shutdownNow();
        }
        progress.accept(stats.progress(plan.count()));
        return stats;
    }

    /** The longest a boot could take after it starts: every step's attempts and waits. */
    private Duration bootBudget() {
        Duration perStep = settings.stepDeadline().multipliedBy(2).plus(settings.maxBackoff())
                .multipliedBy(settings.attempts());
        return perStep.multipliedBy(6).plus(settings.firmwareDeadline());
    }

    private static void awaitAll(List<CompletableFuture<SipUserAgent>> boots, Duration limit)
            throws InterruptedException {
        try {
            CompletableFuture.allOf(boots.stream().map(b -> b.handle((r, e) -> null))
                    .toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Counted as they are: a phone still booting shows in neither registered nor failed.
        }
    }

    /** Counts what each phone reports; all on the loop. */
    private final class Watcher implements Phone.Listener {
        @Override
        public void step(Phone phone, Step step, Duration took, String detail) {
            if (!(step == Step.FIRMWARE && took.isZero())) {
                stats.step(step, took);
            }
            if (step == (plan.register() ? Step.KEEPALIVE : Step.STATUS)) {
                stats.booted.incrementAndGet();
            }
        }

        @Override
        public void retrying(Phone phone, Step step, int attempt, Duration wait, StepFailure why) {
            stats.retries.incrementAndGet();
        }

        @Override
        public void failed(Phone phone, Step step, StepFailure why) {
            stats.failed.incrementAndGet();
            stats.failure(step, why.reason());
        }

        @Override
        public void registered(SipUserAgent agent, SipUserAgent.Registration registration) {
            if (agentWasNew(agent)) {
                stats.registered.incrementAndGet();
            }
        }

        @Override
        public void keepalive(SipUserAgent agent, Duration pong) {
            stats.keepalives.incrementAndGet();
        }

        @Override
        public void flowLost(SipUserAgent agent, String why) {
            stats.flowsLost.incrementAndGet();
            stats.registered.decrementAndGet();
            lost.add(agent);
            stats.failure(Step.KEEPALIVE, "flow lost");
        }

        @Override
        public void gaveUp(SipUserAgent agent, StepFailure why) {
            stats.failure(Step.REGISTER, "gave up re-registering: " + why.reason());
        }

        private final java.util.Set<SipUserAgent> counted = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());
        private final java.util.Set<SipUserAgent> lost = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());

        /** True for a first registration or one after a lost flow; refreshes are not new. */
        private boolean agentWasNew(SipUserAgent agent) {
            if (counted.add(agent)) {
                return true;
            }
            if (!agent.flow().isOpen()) {
                return false;
            }
            if (lost.remove(agent)) {
                stats.reRegistered.incrementAndGet();
                return true;
            }
            return false;
        }
    }
}
