package io.hub.app.phone;

import io.hub.app.HubVersion;
import io.hub.app.UserError;
import io.hub.phone.Phone;
import io.hub.phone.PhoneSettings;
import io.hub.phone.SipUserAgent;
import io.hub.phone.Step;
import io.hub.phone.StepFailure;
import io.hub.phone.fleet.Fleet;
import io.hub.phone.fleet.FleetStats;
import io.hub.phone.fleet.RegisterBench;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.net.NetLoop;
import io.hub.pki.MacAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "phone", mixinStandardHelpOptions = true, versionProvider = HubVersion.class,
        description = "Emulated desk phones against a running hub (or any registrar): one, a fleet, or "
                + "registration alone for benchmarks.",
        subcommands = {PhoneCommand.Boot.class, PhoneCommand.FleetRun.class, PhoneCommand.Register.class},
        commandListHeading = "%nCommands:%n")
public final class PhoneCommand implements Runnable {

    /** Exit status when a phone failed: the hub refused it, or could not be reached in time. */
    public static final int PHONE_FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "boot", mixinStandardHelpOptions = true,
            description = {"Boot one phone and print each step with its time: certificate, discovery, config, "
                    + "firmware, status, SIP-TLS REGISTER, keepalive.",
                    "Exits 1 with the hub's reason when a step fails for good, 0 once registered (after --hold)."})
    static final class Boot implements Callable<Integer> {
        @Mixin
        PhoneOptions phone;
        @Option(names = "--mac", required = true, paramLabel = "MAC", description = "The phone's MAC.")
        MacAddress mac;
        @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "0",
                description = "Stay registered this long with keepalives before stopping (default: ${DEFAULT-VALUE}).")
        int holdSeconds;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PhoneSettings settings = phone.settings();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            InetAddress local = phone.locals().map(l -> l.address(0)).orElse(null);
            ExecutorService work = Executors.newSingleThreadExecutor();
            try (NetLoop loop = new NetLoop("phone")) {
                out.printf("phone %s (%s) booting against %s%n", mac, phone.model, settings.hub());
                Phone booting = new Phone(loop, settings, phone.certificates(), work, mac, phone.model, local,
                        new Printer(out));
                try {
                    booting.boot().get(budget(settings).toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    StepFailure failure = StepFailure.of(e);
                    err.printf("phone %s failed at %s: %s (%s)%n", mac, booting.step().label(), failure.reason(),
                            failure.detail());
                    return PHONE_FAILED;
                } catch (TimeoutException e) {
                    err.printf("phone %s failed at %s: no end in %d s%n", mac, booting.step().label(),
                            budget(settings).toSeconds());
                    booting.stop();
                    return PHONE_FAILED;
                }
                out.printf("registered%s%n", holdSeconds > 0 ? "; holding for " + holdSeconds + " s" : "");
                out.flush();
                if (holdSeconds > 0) {
                    Thread.sleep(holdSeconds * 1000L);
                }
                stop(booting);
                out.println("stopped");
                return 0;
            } finally {
                work.shutdownNow();
            }
        }

        private static void stop(Phone phone) throws InterruptedException {
            try {
                phone.stop().get(15, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Stopping is best effort: the flow is closed either way.
            }
        }
    }

    @Command(name = "fleet", mixinStandardHelpOptions = true,
            description = {"Boot N phones at R per second, keep them registered with keepalives, optionally "
                    + "make calls, then print each step's p50/p95/p99 and the failures by cause.",
                    "Exits 0 when every phone registered (and every call was answered), else 1."})
    static final class FleetRun implements Callable<Integer> {
        @Mixin
        PhoneOptions phone;
        @Option(names = "--count", required = true, paramLabel = "N", description = "How many phones.")
        int count;
        @Option(names = "--rate", defaultValue = "10", paramLabel = "R",
                description = "Phones booted per second (default: ${DEFAULT-VALUE}).")
        double rate;
        @Option(names = "--first-mac", defaultValue = "00:80:9f:00:00:01", paramLabel = "MAC",
                description = "The first phone's MAC; the others count up (default: ${DEFAULT-VALUE}).")
        MacAddress firstMac;
        @Option(names = "--hold", defaultValue = "0", paramLabel = "SECONDS",
                description = "Keep the fleet registered this long after it booted (default: ${DEFAULT-VALUE}).")
        int holdSeconds;
        @Option(names = "--calls", defaultValue = "0", paramLabel = "C",
                description = "Calls to make between registered phones once booted (default: none).")
        int calls;
        @Option(names = "--call-seconds", defaultValue = "10", paramLabel = "S",
                description = "Length of each call (default: ${DEFAULT-VALUE}).")
        int callSeconds;
        @Option(names = "--provision-only",
                description = "Stop each phone after its status report: no SIP (to make accounts for 'register').")
        boolean provisionOnly;
        @Option(names = "--certificates-only", description = "Only make the phones' certificates in --cert-dir, "
                + "without contacting the hub, for later runs to read as phones read their factory ones.")
        boolean certificatesOnly;
        @Option(names = "--accounts-out", paramLabel = "FILE",
                description = "Write 'user password' of every phone that got its configuration, for 'hub phone "
                        + "register --accounts'.")
        Path accountsOut;
        @Option(names = "--enroll", description = "Enroll the phones first through the hub's admin API (those "
                + "already enrolled are left as they are), then boot them.")
        boolean enroll;
        @Option(names = "--first-extension", defaultValue = "20001", paramLabel = "EXT",
                description = "With --enroll: the first phone's extension; the others count up (default: "
                        + "${DEFAULT-VALUE}).")
        long firstExtension;
        @Option(names = "--admin-url", paramLabel = "URL",
                description = "With --enroll: the admin API (default: https://127.0.0.1:<adminPort of hub.yaml>).")
        java.net.URI adminUrl;
        @Option(names = "--token-file", paramLabel = "FILE",
                description = "With --enroll: the bearer token (default: HOME/admin-token).")
        Path tokenFile;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            if (count < 1 || count > 100_000 || rate <= 0 || holdSeconds < 0 || calls < 0 || callSeconds < 1) {
                throw new UserError("--count must be 1 to 100000, --rate above 0, --hold and --calls at least 0, "
                        + "--call-seconds at least 1");
            }
            if (provisionOnly && calls > 0) {
                throw new UserError("--calls needs registered phones; leave out --provision-only");
            }
            if (certificatesOnly) {
                return makeCertificates(spec.commandLine().getOut());
            }
            PhoneSettings settings = phone.settings();
            PrintWriter out = spec.commandLine().getOut();
            if (enroll) {
                enroll(out);
            }
            boolean terminal = System.console() != null && out == spec.commandLine().getOut();
            out.printf(Locale.ROOT, "fleet of %d phones (%s) at %.1f/s against %s%n", count, phone.model, rate,
                    settings.hub());
            long started = System.nanoTime();
            FleetStats stats;
            try (NetLoop loop = new NetLoop("phones")) {
                Fleet fleet = new Fleet(loop, settings, phone.certificates(), new Fleet.Plan(count, rate, firstMac,
                        phone.model, Duration.ofSeconds(holdSeconds), phone.locals(), calls,
                        Duration.ofSeconds(callSeconds), !provisionOnly), io.hub.phone.fleet.FleetCalls::run);
                AtomicInteger ticks = new AtomicInteger();
                stats = fleet.run(line -> {
                    if (terminal) {
                        out.print("\r" + line + "   ");
                        out.flush();
                    } else if (ticks.getAndIncrement() % 5 == 0) {
                        out.println(line);
                        out.flush();
                    }
                });
                if (accountsOut != null) {
                    writeAccounts(fleet, out);
                }
            }
            if (terminal) {
                out.println();
            }
            out.printf(Locale.ROOT, "done in %.1f s: %d of %d %s, %d failed%n", (System.nanoTime() - started) / 1e9,
                    stats.booted(), count, provisionOnly ? "provisioned" : "registered", stats.failed());
            stats.print(out);
            notEnrolled(stats, spec.commandLine().getErr());
            boolean callsOk = calls == 0 || stats.callsAnswered() == calls;
            return stats.booted() == count && callsOk ? 0 : PHONE_FAILED;
        }

        /** The certificates of the fleet's phones made in --cert-dir (kept ones stay), on every core. */
        private int makeCertificates(PrintWriter out) throws InterruptedException {
            if (phone.certDir == null) {
                throw new UserError("--certificates-only needs --cert-dir, where the certificates are kept");
            }
            PhoneCertificates certificates = phone.certificates();
            long first = Long.parseLong(firstMac.value(), 16);
            long started = System.nanoTime();
            ExecutorService workers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
            List<Future<?>> made = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    MacAddress mac = MacAddress.parse(String.format("%012x", first + i));
                    made.add(workers.submit(() -> certificates.obtain(mac, phone.model)));
                }
                for (Future<?> each : made) {
                    each.get();
                }
            } catch (ExecutionException e) {
                throw new UserError("cannot make a phone certificate: " + e.getCause().getMessage());
            } finally {
                workers.shutdownNow();
            }
            out.printf(Locale.ROOT, "certificates of %d phones in %s (%.1f s)%n", count, phone.certDir,
                    (System.nanoTime() - started) / 1e9);
            return 0;
        }

        private void enroll(PrintWriter out) {
            if (firstExtension < 0 || firstExtension + count - 1 > 99_999_999_999L) {
                throw new UserError("--first-extension must be 0 or more, and leave room for --count phones");
            }
            java.util.List<MacAddress> macs = new java.util.ArrayList<>();
            long first = Long.parseLong(firstMac.value(), 16);
            for (int i = 0; i < count; i++) {
                macs.add(MacAddress.parse(String.format("%012x", first + i)));
            }
            int enrolled = io.hub.app.admin.FleetEnrollment.of(phone.hubHome(), adminUrl, tokenFile)
                    .enroll(macs, phone.model, firstExtension);
            out.printf(Locale.ROOT, "enrolled %d of %d phones (the others already were)%n", enrolled, count);
        }

        /**
         * Phones the hub does not know stop at discovery with 404 not-enrolled: the usual first mistake
         * with a fleet, said in one line with what to do rather than left in the failure counts.
         */
        private void notEnrolled(FleetStats stats, PrintWriter err) {
            int phones = stats.failures().getOrDefault(Step.DISCOVERY.label() + ": 404 not-enrolled", 0);
            if (phones > 0) {
                err.printf(Locale.ROOT, "hub: %d of %d phones are not enrolled on this hub (discovery answered 404 "
                        + "not-enrolled): enroll them first ('hub device import FILE' or 'hub device enroll')%n",
                        phones, count);
            }
        }

        private void writeAccounts(Fleet fleet, PrintWriter out) {
            StringBuilder lines = new StringBuilder();
            int written = 0;
            for (Phone each : fleet.phones()) {
                Optional<Phone.SipLogin> login = each.sipLogin();
                if (login.isPresent()) {
                    lines.append(login.get().user()).append(' ').append(login.get().password()).append('\n');
                    written++;
                }
            }
            try {
                java.nio.file.Files.writeString(accountsOut, lines.toString());
            } catch (IOException e) {
                throw new UserError("cannot write " + accountsOut + ": " + e.getMessage());
            }
            out.printf("wrote %d accounts to %s%n", written, accountsOut);
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = {"Registration alone against any SIP-TLS registrar, with accounts from a file "
                    + "(lines 'user password'), for benchmarks.",
                    "With --flows: digest-authenticated REGISTERs per second over that many flows for --duration.",
                    "With --count: that many phones registered at --rate and held with keepalives for --hold."})
    static final class Register implements Callable<Integer> {
        @Mixin
        PhoneOptions phone;
        @Option(names = "--registrar", required = true, paramLabel = "HOST:PORT", description = "Where to register.")
        String registrar;
        @Option(names = "--server-name", paramLabel = "NAME",
                description = "The name the registrar's certificate must carry (default: the registrar's host).")
        String serverName;
        @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The SIP domain (realm).")
        String domain;
        @Option(names = "--accounts", required = true, paramLabel = "FILE", description = "Lines 'user password'.")
        Path accounts;
        @Option(names = "--flows", paramLabel = "C", description = "Measure REGISTERs per second over C flows.")
        Integer flows;
        @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
                description = "How long to measure with --flows (default: ${DEFAULT-VALUE}).")
        int durationSeconds;
        @Option(names = "--count", paramLabel = "N", description = "Register and hold N phones.")
        Integer count;
        @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
                description = "Phones registered per second with --count (default: ${DEFAULT-VALUE}).")
        double rate;
        @Option(names = "--hold", defaultValue = "30", paramLabel = "SECONDS",
                description = "How long to hold them (default: ${DEFAULT-VALUE}).")
        int holdSeconds;
        @Option(names = "--keepalive", defaultValue = "30", paramLabel = "SECONDS",
                description = "Keepalive interval without a Flow-Timer (default: ${DEFAULT-VALUE}).")
        int keepalive;
        @Option(names = "--loops", defaultValue = "1", paramLabel = "L",
                description = "Selector threads the phones are spread over; more make more TLS handshakes a second "
                        + "(default: ${DEFAULT-VALUE}).")
        int loops;
        @Option(names = "--progress", description = "With --count: print 'registered X/N' every 2 s while ramping.")
        boolean progress;
        @Option(names = "--expires", defaultValue = "600", paramLabel = "SECONDS",
                description = "Registration lifetime asked for (default: ${DEFAULT-VALUE}).")
        int expires;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            if ((flows == null) == (count == null)) {
                throw new UserError("give either --flows (REGISTERs per second) or --count (phones held)");
            }
            List<RegisterBench.Account> list;
            try {
                list = RegisterBench.readAccounts(accounts);
            } catch (IOException e) {
                throw new UserError("cannot read " + accounts + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            InetSocketAddress address = PhoneOptions.hostPort(registrar);
            PhoneSettings settings = phone.settings();
            RegisterBench.Target target = new RegisterBench.Target(address,
                    serverName != null ? serverName : address.getHostString(), domain, keepalive, expires,
                    phone.locals());
            if (loops < 1 || loops > 64) {
                throw new UserError("--loops must be from 1 to 64");
            }
            PrintWriter out = spec.commandLine().getOut();
            List<NetLoop> netLoops = new java.util.ArrayList<>();
            try {
                for (int l = 0; l < loops; l++) {
                    netLoops.add(new NetLoop("phones-" + l));
                }
                RegisterBench bench = new RegisterBench(netLoops, settings, target, list);
                if (flows != null) {
                    if (flows < 1 || durationSeconds < 1) {
                        throw new UserError("--flows and --duration must be at least 1");
                    }
                    RegisterBench.Throughput result = bench.throughput(flows, Duration.ofSeconds(durationSeconds));
                    out.printf(Locale.ROOT, "%d registrations (REGISTER, 401, REGISTER with digest, 200) over %d "
                            + "flows in %.1f s%n", result.registrations(), flows, result.took().toNanos() / 1e9);
                    failures(out, result.failures());
                    out.printf(Locale.ROOT, "result registers_per_second=%.1f%n", result.perSecond());
                    return result.registrations() > 0 ? 0 : PHONE_FAILED;
                }
                if (count < 1 || rate <= 0 || holdSeconds < 0) {
                    throw new UserError("--count must be at least 1, --rate above 0, --hold at least 0");
                }
                RegisterBench.Hold result = bench.hold(count, rate, Duration.ofSeconds(holdSeconds), line -> {
                    out.println(line);
                    out.flush();
                }, line -> {
                    if (progress) {
                        out.println(line);
                        out.flush();
                    }
                });
                out.printf("registered %d of %d at the peak, %d still registered after %d s; %d keepalives "
                        + "answered%n", result.registeredAtPeak(), count, result.registeredAtEnd(), holdSeconds,
                        result.keepalives());
                failures(out, result.failures());
                out.printf("result held=%d%n", result.registeredAtEnd());
                return result.registeredAtEnd() == count ? 0 : PHONE_FAILED;
            } finally {
                netLoops.forEach(NetLoop::close);
            }
        }

        private static void failures(PrintWriter out, Map<String, Long> failures) {
            failures.forEach((reason, number) -> out.printf("  %6d failed: %s%n", number, reason));
        }
    }

    /** How long a boot may take at most: every step's attempts and backoff. */
    static Duration budget(PhoneSettings settings) {
        return settings.stepDeadline().multipliedBy(2).plus(settings.maxBackoff()).multipliedBy(settings.attempts())
                .multipliedBy(7).plus(settings.firmwareDeadline());
    }

    /** Prints each step of one phone as it happens. */
    private static final class Printer implements Phone.Listener {
        private final PrintWriter out;

        Printer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void step(Phone phone, Step step, Duration took, String detail) {
            out.printf(Locale.ROOT, "  %-12s %10s  %s%n", step.label(), millis(took), detail);
            out.flush();
        }

        @Override
        public void retrying(Phone phone, Step step, int attempt, Duration wait, StepFailure why) {
            out.printf(Locale.ROOT, "  %-12s %10s  %s; attempt %d in %.1f s%n", step.label(), "retry",
                    why.reason(), attempt, wait.toMillis() / 1000.0);
            out.flush();
        }

        @Override
        public void checkSync(Phone phone, boolean reboot) {
            out.printf(Locale.ROOT, "  %-12s %10s  %s%n", "check-sync", "", reboot ? "reboot" : "fetching again");
            out.flush();
        }

        @Override
        public void keepalive(SipUserAgent agent, Duration pong) {
            out.printf(Locale.ROOT, "  %-12s %10s  pong%n", "keepalive", millis(pong));
            out.flush();
        }

        @Override
        public void flowLost(SipUserAgent agent, String why) {
            out.printf("  %-12s %10s  %s; registering again%n", "flow", "lost", why);
            out.flush();
        }

        @Override
        public void registered(SipUserAgent agent, SipUserAgent.Registration registration) {
            // The boot prints its register step; refreshes are quiet.
        }

        private static String millis(Duration duration) {
            return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
        }
    }
}
