package io.hub.bench.relay;

import io.hub.bench.relay.dtls.DtlsIdentity;
import io.hub.relay.control.NgClient;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One load level: {@code calls} calls set up through ng, both phones of each sending a packet every
 * 20 ms (spread evenly over the period, as many independent phones would be), for a warm-up and then
 * a measured window; then the calls are deleted. One thread sends on a schedule, one thread receives
 * on a selector, so the generator's own cost is two cores at most and the same for every relay.
 *
 * <p>A packet sent in the window counts as lost unless it arrives, decrypts under the key the
 * receiving phone was given, and belongs to the other phone of its call, within a second after the
 * window. The relay's CPU time is read from {@code /proc} at the window's edges.
 */
final class LoadStep {

    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The pumped phones take consecutive loopback addresses from here, one each (see {@link RtpPump}). */
    private static final Inet4Address PUMPED_PHONES = RtpPump.ipv4("127.64.0.1");
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Below this the sender sends at once instead of parking: parking wakes up about this late anyway. */
    private static final long PARK_THRESHOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(80);

    /** What one level measured. */
    record Result(int calls, double seconds, long sent, long received, long rejected, long sendFailures,
                  int p50Micros, int p99Micros, double relayCpuSeconds, double generatorCpuSeconds,
                  double lateFraction, double setupSeconds, Handshakes handshakes) {

        double loss() {
            return sent == 0 ? 1 : Math.max(0, (double) (sent - received) / sent);
        }

        double packetsPerSecond() {
            return received / seconds;
        }

        /**
         * Whether the generator kept its schedule: at most 1 % of the packets left more than a period
         * late. Beyond that it is the generator that is measured, not the relay.
         */
        boolean onSchedule() {
            return lateFraction <= 0.01;
        }
    }

    /**
     * The DTLS handshakes of a DTLS-SRTP step, all run before its media: how many, the wall time from
     * the first started to the last finished, and the CPU the relay and the generator used meanwhile.
     */
    record Handshakes(int count, int parallel, double seconds, double relayCpuSeconds, double generatorCpuSeconds) {

        double perSecond() {
            return count / seconds;
        }
    }

    /** One certificate for every emulated browser of the run, made when the first DTLS step needs it. */
    private static DtlsIdentity identity;

    private LoadStep() {
    }

    private static synchronized DtlsIdentity identity() {
        if (identity == null) {
            identity = DtlsIdentity.generate();
        }
        return identity;
    }

    /**
     * A DTLS-SRTP ⇄ SDES step: {@code calls} browser-to-desk-phone calls negotiated through ng one after
     * the other, then every browser's DTLS handshake with {@code options.parallel()} in flight at a time
     * (timed, with both processes' CPU), then the media measured as for the SDES modes, and the calls
     * deleted.
     *
     * @throws IOException when a call is refused or a handshake fails: a step with a browser cut off
     *     measures nothing comparable
     */
    static Result runDtls(RelayLoad.Options options, int calls) throws IOException, InterruptedException {
        List<DtlsCall> dtlsCalls = new ArrayList<>();
        NgClient ng = new NgClient(options.ng(), options.ngTimeout(), 3);
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel());
        try {
            DtlsIdentity browsers = identity();
            long setupStart = System.nanoTime();
            int ssrc = ThreadLocalRandom.current().nextInt();
            for (int i = 0; i < calls; i++) {
                DtlsCall call = new DtlsCall("bench-dtls-" + Long.toHexString(ssrc & 0xffffffffL) + "-" + i,
                        InetAddress.getLoopbackAddress(), ssrc + 2 * i, browsers);
                dtlsCalls.add(call);
                call.negotiate(ng);
            }
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

            ProcessCpu relayCpu = new ProcessCpu(options.relayPid(), options.clockTicks());
            ProcessCpu ownCpu = ProcessCpu.self(options.clockTicks());
            double relayBefore = options.relayPid() > 0 ? relayCpu.seconds() : 0;
            double ownBefore = ownCpu.seconds();
            long start = System.nanoTime();
            List<Future<?>> handshakes = new ArrayList<>();
            for (DtlsCall call : dtlsCalls) {
                handshakes.add(pool.submit(() -> {
                    call.handshake();
                    return null;
                }));
            }
            for (int i = 0; i < handshakes.size(); i++) {
                try {
                    handshakes.get(i).get();
                } catch (ExecutionException e) {
                    throw new IOException("call " + dtlsCalls.get(i).callId + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Handshakes figures = new Handshakes(calls, options.parallel(), seconds,
                    options.relayPid() > 0 ? relayCpu.seconds() - relayBefore : Double.NaN,
                    ownCpu.seconds() - ownBefore);

            List<Phone> phones = new ArrayList<>();
            for (DtlsCall call : dtlsCalls) {
                phones.add(call.a);
                phones.add(call.b);
            }
            return measure(options, phones, setupSeconds, figures);
        } finally {
            pool.shutdownNow();
            for (DtlsCall call : dtlsCalls) {
                try {
                    call.delete(ng);
                } catch (IOException e) {
                    System.err.println("relay-load: " + e.getMessage());
                }
                call.a.close();
                call.b.close();
            }
            ng.close();
        }
    }

    /** Sets up the calls through the relay (or directly, without one), measures, and deletes them. */
    static Result run(RelayLoad.Options options, boolean passthrough, int calls) throws IOException, InterruptedException {
        if (options.pump() != null) {
            return runPumped(options, passthrough, calls);
        }
        List<LoadCall<Phone>> loadCalls = new ArrayList<>();
        NgClient ng = options.direct() ? null : new NgClient(options.ng(), options.ngTimeout(), 3);
        try {
            long setupStart = System.nanoTime();
            setUp(ng, calls, passthrough, (ssrc, suite) -> new Phone(InetAddress.getLoopbackAddress(), ssrc, suite),
                    loadCalls);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            return measure(options, phones(loadCalls), setupSeconds, null);
        } finally {
            tearDown(ng, loadCalls);
            for (LoadCall<Phone> call : loadCalls) {
                call.a.close();
                call.b.close();
            }
        }
    }

    /**
     * As {@link #run}, with the packets sent and checked by the native pump: this process sets the
     * calls up, prepares every packet in advance and only watches the clock while the pump runs.
     */
    private static Result runPumped(RelayLoad.Options options, boolean passthrough, int calls)
            throws IOException, InterruptedException {
        List<LoadCall<PumpedPhone>> loadCalls = new ArrayList<>();
        NgClient ng = options.direct() ? null : new NgClient(options.ng(), options.ngTimeout(), 3);
        try (RtpPump pump = RtpPump.start(options.pump(), 2 * calls, PUMPED_PHONES)) {
            long setupStart = System.nanoTime();
            int[] next = new int[1];
            setUp(ng, calls, passthrough, (ssrc, suite) -> {
                int index = next[0]++;
                return new PumpedPhone(index, pump.phone(index), ssrc, suite);
            }, loadCalls);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

            int warmupTicks = (int) (options.warmupSeconds() * 50);
            int ticks = warmupTicks + (int) (options.seconds() * 50);
            pump.prepare(phones(loadCalls), ticks, warmupTicks);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            pump.go(start);
            WindowCpu cpu = WindowCpu.measure(options, new ProcessCpu(pump.pid(), options.clockTicks()),
                    start + warmupTicks * PERIOD_NANOS, start + ticks * PERIOD_NANOS);
            RtpPump.Outcome outcome = pump.outcome(TimeUnit.NANOSECONDS.toSeconds(DRAIN_NANOS) + 60);
            return new Result(calls, cpu.seconds(), outcome.sent(), outcome.received(),
                    outcome.rejected() + outcome.duplicates(), outcome.sendFailures(), outcome.p50Micros(),
                    outcome.p99Micros(), cpu.relay(), cpu.generator(), outcome.lateFraction(), setupSeconds, null);
        } finally {
            tearDown(ng, loadCalls);
        }
    }

    /** Makes {@code calls} calls of the given phones and sets each up through ng, or directly without it. */
    private static <P extends LoadCall.Party<P>> void setUp(NgClient ng, int calls, boolean passthrough,
            LoadCall.Parties<P> parties, List<LoadCall<P>> made) throws IOException {
        int ssrc = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < calls; i++) {
            LoadCall<P> call = new LoadCall<>("bench-" + Long.toHexString(ssrc & 0xffffffffL) + "-" + i, parties,
                    ssrc + 2 * i, passthrough);
            made.add(call);
            if (ng == null) {
                call.connectDirectly();
            } else {
                call.setUp(ng);
            }
        }
    }

    private static <P extends LoadCall.Party<P>> List<P> phones(List<LoadCall<P>> calls) {
        List<P> phones = new ArrayList<>();
        for (LoadCall<P> call : calls) {
            phones.add(call.a);
            phones.add(call.b);
        }
        return phones;
    }

    /** Deletes the calls at the relay (when there is one) and closes the ng client. */
    private static void tearDown(NgClient ng, List<? extends LoadCall<?>> calls) {
        if (ng == null) {
            return;
        }
        for (LoadCall<?> call : calls) {
            try {
                call.delete(ng);
            } catch (IOException e) {
                System.err.println("relay-load: " + e.getMessage());
            }
        }
        ng.close();
    }

    private static Result measure(RelayLoad.Options options, List<Phone> phones, double setupSeconds,
                                  Handshakes handshakes) throws IOException, InterruptedException {
        int warmupTicks = (int) (options.warmupSeconds() * 50);
        int measuredTicks = (int) (options.seconds() * 50);
        Phone.Window window = new Phone.Window(warmupTicks, warmupTicks + measuredTicks - 1);
        Latencies latencies = new Latencies(phones.size() * measuredTicks);
        AtomicBoolean receiving = new AtomicBoolean(true);
        Selector selector = Selector.open();
        for (Phone phone : phones) {
            phone.channel.register(selector, SelectionKey.OP_READ, phone);
        }
        Thread receiver = new Thread(() -> receive(selector, receiving, window, latencies), "relay-load-receive");
        receiver.start();

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        double[] lateFraction = new double[1];
        Thread sender = new Thread(() -> lateFraction[0] = send(phones, start, warmupTicks + measuredTicks, window),
                "relay-load-send");
        sender.start();

        WindowCpu cpu = WindowCpu.measure(options, ProcessCpu.self(options.clockTicks()),
                start + warmupTicks * PERIOD_NANOS, start + (long) (warmupTicks + measuredTicks) * PERIOD_NANOS);
        sender.join();
        sleepUntil(System.nanoTime() + DRAIN_NANOS);
        receiving.set(false);
        selector.wakeup();
        receiver.join();
        selector.close();

        long sent = 0;
        long received = 0;
        long rejected = 0;
        long failures = 0;
        for (Phone phone : phones) {
            sent += phone.sentInWindow;
            received += phone.receivedInWindow;
            rejected += phone.rejected;
            failures += phone.sendFailures;
        }
        return new Result(phones.size() / 2, cpu.seconds(), sent, received, rejected, failures,
                latencies.percentile(0.5), latencies.percentile(0.99), cpu.relay(), cpu.generator(), lateFraction[0],
                setupSeconds, handshakes);
    }

    /**
     * Sends every phone's packet of each tick at its own offset in the period; returns the fraction of
     * the window's packets that left more than a period late.
     */
    private static double send(List<Phone> phones, long start, int ticks, Phone.Window window) {
        long late = 0;
        long inWindowPackets = 0;
        int count = phones.size();
        for (int tick = 0; tick < ticks; tick++) {
            boolean inWindow = window.contains(tick);
            for (int i = 0; i < count; i++) {
                long due = start + tick * PERIOD_NANOS + i * PERIOD_NANOS / count;
                long now = System.nanoTime();
                if (due - now > PARK_THRESHOLD_NANOS) {
                    LockSupport.parkNanos(due - now);
                } else if (inWindow && now - due > PERIOD_NANOS) {
                    late++;
                }
                inWindowPackets += inWindow ? 1 : 0;
                phones.get(i).send(tick, inWindow);
            }
        }
        return inWindowPackets == 0 ? 0 : (double) late / inWindowPackets;
    }

    private static void receive(Selector selector, AtomicBoolean running, Phone.Window window, Latencies latencies) {
        try {
            while (running.get()) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Phone) key.attachment()).receive(window, latencies);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException("the receiver's selector failed", e);
        }
    }

    /** The measured window's length, and the CPU seconds the relay and the generator used in it. */
    private record WindowCpu(double seconds, double relay, double generator) {

        /** Sleeps until the window's start, then its end, reading both processes' CPU time at each. */
        static WindowCpu measure(RelayLoad.Options options, ProcessCpu generator, long startNanos, long endNanos)
                throws IOException {
            ProcessCpu relay = options.relayPid() > 0 ? new ProcessCpu(options.relayPid(), options.clockTicks()) : null;
            sleepUntil(startNanos);
            double relayBefore = relay == null ? 0 : relay.seconds();
            double generatorBefore = generator.seconds();
            long windowStart = System.nanoTime();
            sleepUntil(endNanos);
            return new WindowCpu((System.nanoTime() - windowStart) / 1e9,
                    relay == null ? Double.NaN : relay.seconds() - relayBefore, generator.seconds() - generatorBefore);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
