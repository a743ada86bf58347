package io.hub.bench.relay;

import io.hub.relay.control.NgClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a relay driven over ng (the hub's {@code hub relay} or rtpengine) with emulated G.711 SRTP
 * calls and prints, per mode, one {@code step} line per load level and one {@code result} line:
 * forwarded packets per second, loss, one-way time through the relay (p50/p99), and the relay's CPU.
 *
 * <pre>
 * java -jar relay-load.jar (--ng 127.0.0.1:2223 | --direct) --label hub --pid PID --mode passthrough,termination
 *     [--calls N [--attempts K] | --start N --max N] [--warmup S] [--seconds S] [--loss FRACTION]
 *     [--clk-tck 100] [--parallel 8] [--pump PATH]
 * </pre>
 *
 * {@code --pump} gives the native packet pump ({@code native/rtp-pump.c}, built by {@code bench/relay.sh}):
 * the SDES modes then send and check their packets from it ({@link RtpPump}), which costs the machine
 * its system calls and nothing more, about twice the load this process's phones keep on schedule. The
 * DTLS mode keeps this process's phones: its browsers must run their handshakes.
 *
 * {@code --mode dtls} bridges DTLS-SRTP to SDES ({@link DtlsCall}): each call's browser leg runs a DTLS
 * handshake as client, {@code --parallel} at a time, before the media, and the lines add the
 * handshakes per second and the relay's and the generator's CPU per handshake.
 *
 * {@code --direct} connects the phones of each call to each other, without a relay: the one-way time
 * it measures is what the generator and the loopback take alone, to be subtracted from a relay's.
 *
 * With {@code --calls} every mode runs that one level. Otherwise the calls grow by half from
 * {@code --start} until loss reaches {@code --loss} (0.1 % by default), the generator falls behind its
 * own schedule, or {@code --max}; after a loss or a late generator the gap is halved twice. The result
 * is the highest level that stayed under the loss bound with the generator on schedule, and what
 * stopped the climb.
 */
public final class RelayLoad {

    /** How to reach and load the relay. */
    record Options(InetSocketAddress ng, boolean direct, String label, long relayPid, int clockTicks,
                   List<String> modes, int calls, int attempts, int start, int max, double warmupSeconds,
                   double seconds, double lossBound, int refinements, Duration ngTimeout, int parallel, Path pump) {
    }

    /** Calls of the unmeasured DTLS step before the measured ones. */
    static final int DTLS_WARMUP_CALLS = 40;

    private RelayLoad() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("relay-load: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!options.direct()) {
            awaitRelay(options);
        }
        for (String mode : options.modes()) {
            if (mode.equals("dtls")) {
                // Handshakes are Java on the generator's side and on the hub's: both JITs are warmed on a
                // few calls first, so the figures are of running code and not of its compilation.
                LoadStep.Result warm = LoadStep.runDtls(options, DTLS_WARMUP_CALLS);
                System.out.println(line("warmup", options, mode, warm));
            }
            Climb.Found found = options.calls() > 0 ? fixed(options, mode) : search(options, mode);
            System.out.println(line("result", options, mode, found.result()) + " limit=" + found.limit());
        }
    }

    /** Pings the relay until it answers (it may still be starting), for at most 30 seconds. */
    private static void awaitRelay(Options options) throws IOException {
        try (NgClient ng = new NgClient(options.ng(), Duration.ofMillis(500), 60)) {
            Map<?, ?> reply = ng.request(Map.of("command", "ping"));
            if (!"pong".equals(reply.get("result"))) {
                throw new IOException("the relay at " + options.ng() + " answered ping with " + reply);
            }
        }
    }

    /** The climb (see {@link Climb}) over levels of this mode. */
    private static Climb.Found search(Options options, String mode) throws IOException, InterruptedException {
        return Climb.search(options.start(), options.max(), options.refinements(), options.lossBound(),
                calls -> step(options, mode, calls));
    }

    /**
     * One level, measured again (up to {@code --attempts} times) while the generator fell behind its
     * schedule: on a shared machine another process can starve it, and a window in which the load was
     * not what it claims says nothing about the relay. The limit says whether it ever kept it.
     */
    private static Climb.Found fixed(Options options, String mode) throws IOException, InterruptedException {
        LoadStep.Result result = null;
        for (int attempt = 0; attempt < options.attempts() && (result == null || !result.onSchedule()); attempt++) {
            result = step(options, mode, options.calls());
        }
        return new Climb.Found(result, result.onSchedule() ? "fixed" : "generator");
    }

    private static LoadStep.Result step(Options options, String mode, int calls) throws IOException, InterruptedException {
        LoadStep.Result result = mode.equals("dtls") ? LoadStep.runDtls(options, calls)
                : LoadStep.run(options, mode.equals("passthrough"), calls);
        System.out.println(line("step", options, mode, result));
        return result;
    }

    private static String line(String kind, Options options, String mode, LoadStep.Result r) {
        double cpuPercent = 100 * r.relayCpuSeconds() / r.seconds();
        double microsPerPacket = r.received() == 0 ? Double.NaN : 1e6 * r.relayCpuSeconds() / r.received();
        String handshakes = "";
        if (r.handshakes() != null) {
            LoadStep.Handshakes h = r.handshakes();
            handshakes = String.format(Locale.ROOT, " handshakes=%d parallel=%d handshake_s=%.2f handshakes_per_s=%.1f "
                            + "relay_cpu_ms_per_handshake=%.2f generator_cpu_ms_per_handshake=%.2f",
                    h.count(), h.parallel(), h.seconds(), h.perSecond(), 1e3 * h.relayCpuSeconds() / h.count(),
                    1e3 * h.generatorCpuSeconds() / h.count());
        }
        return String.format(Locale.ROOT, "%s relay=%s mode=%s calls=%d pps=%.0f loss_pct=%.3f p50_us=%d p99_us=%d "
                        + "relay_cpu_pct=%.1f cpu_us_per_packet=%.2f generator_cpu_pct=%.1f late_pct=%.2f rejected=%d "
                        + "send_failures=%d setup_s=%.1f",
                kind, options.label(), mode, r.calls(), r.packetsPerSecond(), 100 * r.loss(), r.p50Micros(),
                r.p99Micros(), cpuPercent, microsPerPacket, 100 * r.generatorCpuSeconds() / r.seconds(),
                100 * r.lateFraction(), r.rejected(), r.sendFailures(), r.setupSeconds()) + handshakes;
    }

    static Options parse(String[] args) {
        InetSocketAddress ng = null;
        boolean direct = false;
        String label = "relay";
        long pid = 0;
        int clockTicks = 100;
        List<String> modes = List.of("passthrough", "termination");
        int calls = 0;
        int attempts = 1;
        int start = 100;
        int max = 3000;
        double warmup = 2;
        double seconds = 8;
        double loss = 0.001;
        int refinements = 2;
        int parallel = 8;
        Path pump = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--direct")) {
                direct = true;
                continue;
            }
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i++]) {
                case "--ng" -> ng = address(value);
                case "--label" -> label = value;
                case "--pid" -> pid = Long.parseLong(value);
                case "--clk-tck" -> clockTicks = Integer.parseInt(value);
                case "--mode" -> modes = modes(value);
                case "--calls" -> calls = positive(args[i - 1], value);
                case "--attempts" -> attempts = positive(args[i - 1], value);
                case "--start" -> start = positive(args[i - 1], value);
                case "--max" -> max = positive(args[i - 1], value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--loss" -> loss = Double.parseDouble(value);
                case "--refine" -> refinements = Integer.parseInt(value);
                case "--parallel" -> parallel = positive(args[i - 1], value);
                case "--pump" -> pump = executable(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
            }
        }
        if ((ng == null) == !direct) {
            throw new IllegalArgumentException("give --ng HOST:PORT, or --direct to measure without a relay");
        }
        if (direct && modes.contains("dtls")) {
            throw new IllegalArgumentException("--mode dtls needs a relay to bridge DTLS-SRTP to SDES, not --direct");
        }
        if (seconds < 1 || warmup < 0.5 || (warmup + seconds) * 50 > 60_000) {
            throw new IllegalArgumentException("--warmup must be at least 0.5 s and --seconds 1 s, together under 20 min");
        }
        return new Options(ng, direct, label, pid, clockTicks, modes, calls, attempts, start, Math.max(start, max),
                warmup, seconds, loss, refinements, Duration.ofSeconds(2), parallel, pump);
    }

    private static List<String> modes(String value) {
        List<String> modes = new ArrayList<>();
        for (String mode : value.split(",")) {
            if (!mode.equals("passthrough") && !mode.equals("termination") && !mode.equals("dtls")) {
                throw new IllegalArgumentException("--mode is passthrough, termination, dtls or a list of them, not "
                        + mode);
            }
            modes.add(mode);
        }
        return modes;
    }

    private static Path executable(String value) {
        Path path = Path.of(value);
        if (!Files.isExecutable(path)) {
            throw new IllegalArgumentException("--pump " + value + " is not an executable file");
        }
        return path;
    }

    private static int positive(String option, String value) {
        int number = Integer.parseInt(value);
        if (number < 1) {
            throw new IllegalArgumentException(option + " must be positive, not " + value);
        }
        return number;
    }

    private static InetSocketAddress address(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--ng must be HOST:PORT, not " + value);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(value.substring(0, colon)),
                    Integer.parseInt(value.substring(colon + 1)));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--ng: unknown host " + value.substring(0, colon));
        }
    }
}
