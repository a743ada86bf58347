package io.hub.phone.fleet;

import io.hub.phone.PhoneSettings;
import io.hub.phone.Retries;
import io.hub.phone.SipAccount;
import io.hub.phone.SipUserAgent;
import io.hub.phone.StepFailure;
import io.hub.phone.identity.PhoneIdentity;
import io.hub.phone.net.NetLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Registration alone, against any registrar (the hub, Kamailio …), for benchmarks: accounts from a
 * file instead of provisioning, no client certificate. Two measures: how many digest-authenticated
 * REGISTERs per second a set of flows gets through (each one a full challenge: REGISTER, 401,
 * REGISTER with Authorization, 200), and how many registered phones with keepalives a registrar
 * holds.
 *
 * <p>Phones are spread over one or more {@link NetLoop}s (phone {@code i} on loop {@code i % loops}),
 * each a selector thread: a held phone costs its socket and TLS state, not a thread, and more loops
 * make more TLS handshakes a second when the emulator is what limits the ramp. Each phone's agent is
 * touched by its own loop's thread only.
 */
public final class RegisterBench {

    /** One line of an accounts file. */
    public record Account(String user, String password) {
    }

    /**
     * @param registrar where to connect
     * @param serverName the name the registrar's certificate must carry
     */
    public record Target(InetSocketAddress registrar, String serverName, String domain, int keepaliveSeconds,
            int expires, Optional<LocalAddresses> locals) {
    }

    /** Registrations completed in a time, and failures by cause. */
    public record Throughput(long registrations, Duration took, Map<String, Long> failures) {
        public double perSecond() {
            return registrations / (took.toNanos() / 1e9);
        }
    }

    /** How many phones were registered when the hold ended, of how many. */
    public record Hold(int wanted, int registeredAtPeak, int registeredAtEnd, long keepalives, Map<String, Long> failures) {
    }

    private final List<NetLoop> loops;
    private final PhoneSettings settings;
    private final SSLContext tls;
    private final Target target;
    private final List<Account> accounts;

    public RegisterBench(NetLoop loop, PhoneSettings settings, Target target, List<Account> accounts) {
        this(List.of(loop), settings, target, accounts);
    }

    public RegisterBench(List<NetLoop> loops, PhoneSettings settings, Target target, List<Account> accounts) {
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("no accounts to register");
        }
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("no loop to run the phones on");
        }
        this.loops = List.copyOf(loops);
        this.settings = settings;
        this.target = target;
        this.accounts = accounts;
        this.tls = new PhoneIdentity(io.hub.pki.MacAddress.parse("000000000000"), "bench", null, null)
                .tls(settings.trusted());
    }

    /**
     * Reads {@code user password} (or {@code user:password}) lines; blank lines and {@code #} comments
     * are skipped.
     *
     * @throws IllegalArgumentException naming the first bad line
     */
    public static List<Account> readAccounts(Path file) throws IOException {
        List<Account> accounts = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split("[\\s:]+", 2);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException(file + " line " + number + ": expected 'user password', got '"
                        + text + "'");
            }
            accounts.add(new Account(parts[0], parts[1]));
        }
        return accounts;
    }

    /**
     * Opens {@code flows} flows (one account each) and registers on each back to back, each time
     * from an unauthenticated REGISTER, for {@code duration}.
     */
    public Throughput throughput(int flows, Duration duration) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        Map<String, Long> failures = new TreeMap<>();
        List<List<SipUserAgent>> agents = perLoop();
        List<CompletableFuture<Void>> opened = new ArrayList<>();
        for (int l = 0; l < loops.size(); l++) {
            int loopIndex = l;
            opened.add(onLoop(loopIndex, () -> {
                List<CompletableFuture<?>> all = new ArrayList<>();
                for (int i = loopIndex; i < flows; i += loops.size()) {
                    SipUserAgent agent = agent(i);
                    agents.get(loopIndex).add(agent);
                    all.add(agent.connectAndRegister().exceptionally(e -> {
                        failed(failures, e);
                        return null;
                    }));
                }
                return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
            }));
        }
        join(CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)), settings.stepDeadline().multipliedBy(3));
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (int l = 0; l < loops.size(); l++) {
            List<SipUserAgent> mine = agents.get(l);
            loops.get(l).execute(() -> mine.stream().filter(SipUserAgent::isRegistered).forEach(a -> again(a, end,
                    done, failures)));
        }
        Thread.sleep(duration.toMillis());
        long count = done.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        stopAll(agents);
        synchronized (failures) {
            return new Throughput(count, took, Map.copyOf(failures));
        }
    }

    /**
     * Registers {@code count} phones at {@code rate} per second and keeps them with keepalives for
     * {@code hold}; {@code holding} is told once every phone has had its chance, so a caller can
     * measure the registrar then.
     */
    public Hold hold(int count, double rate, Duration hold, Consumer<String> holding, Consumer<String> progress)
            throws InterruptedException {
        List<List<SipUserAgent>> agents = perLoop();
        Map<String, Long> failures = new TreeMap<>();
        AtomicLong keepalives = new AtomicLong();
        List<CompletableFuture<?>> registrations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            int loopIndex = i % loops.size();
            NetLoop loop = loops.get(loopIndex);
            CompletableFuture<Object> registered = new CompletableFuture<>();
            registrations.add(registered);
            loop.schedule(() -> {
                SipUserAgent agent = agent(index, new SipUserAgent.Listener() {
                    @Override
                    public void keepalive(SipUserAgent a, Duration pong) {
                        keepalives.incrementAndGet();
                    }
                });
                agents.get(loopIndex).add(agent);
                // As a phone does: a refused or timed-out registration is tried again after a backoff.
                Retries.register(loop, settings, agent).whenComplete((r, e) -> {
                    if (e != null) {
                        failed(failures, e);
                    }
                    registered.complete(null);
                });
            }, Duration.ofNanos((long) (i * 1e9 / rate)));
        }
        ScheduledFutureHolder ticker = new ScheduledFutureHolder(loops.get(0).every(() -> countThen(agents,
                registered -> progress.accept("registered " + registered + "/" + count + ", keepalives "
                        + keepalives.get())), Duration.ofSeconds(2)));
        try {
            join(CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new)),
                    Duration.ofSeconds((long) (count / rate)).plus(settings.stepDeadline().multipliedBy(3)));
            int peak = registeredNow(agents);
            holding.accept("holding " + peak + " registered flows of " + count);
            Thread.sleep(hold.toMillis());
            int end = registeredNow(agents);
            stopAll(agents);
            synchronized (failures) {
                return new Hold(count, peak, end, keepalives.get(), Map.copyOf(failures));
            }
        } finally {
            ticker.future.cancel(false);
        }
    }

    private record ScheduledFutureHolder(java.util.concurrent.ScheduledFuture<?> future) {
    }

    private void again(SipUserAgent agent, long end, AtomicLong done, Map<String, Long> failures) {
        if (System.nanoTime() >= end || !agent.isRegistered()) {
            return;
        }
        agent.register(target.expires(), false).whenComplete((r, e) -> {
            if (e == null) {
                done.incrementAndGet();
                again(agent, end, done, failures);
            } else {
                failed(failures, e);
            }
        });
    }

    private SipUserAgent agent(int index) {
        return agent(index, new SipUserAgent.Listener() {
        });
    }

    private SipUserAgent agent(int index, SipUserAgent.Listener listener) {
        Account account = accounts.get(index % accounts.size());
        SipAccount sip = new SipAccount(target.registrar(), target.serverName(), target.domain(), account.user(),
                account.user(), account.password(), target.keepaliveSeconds(), target.expires());
        return new SipUserAgent(loops.get(index % loops.size()), sip, tls, target.locals().map(l -> l.address(index)).orElse(null), settings,
                "bench-" + index, listener);
    }

    /** One list of agents per loop, each filled and read by its loop's thread only. */
    private List<List<SipUserAgent>> perLoop() {
        List<List<SipUserAgent>> lists = new ArrayList<>();
        for (int l = 0; l < loops.size(); l++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    /** Registered phones on every loop, each loop counting its own; a loop that does not answer counts 0. */
    private int registeredNow(List<List<SipUserAgent>> agents) throws InterruptedException {
        int total = 0;
        for (int l = 0; l < loops.size(); l++) {
            List<SipUserAgent> mine = agents.get(l);
            Integer count = join(onLoop(l, () -> CompletableFuture.completedFuture(
                    (int) mine.stream().filter(SipUserAgent::isRegistered).count())), Duration.ofSeconds(10));
            total += count == null ? 0 : count;
        }
        return total;
    }

    /** Without waiting: each loop counts its registered phones, and the last to answer tells the sum. */
    private void countThen(List<List<SipUserAgent>> agents, java.util.function.IntConsumer then) {
        java.util.concurrent.atomic.AtomicInteger sum = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger(loops.size());
        for (int l = 0; l < loops.size(); l++) {
            List<SipUserAgent> mine = agents.get(l);
            loops.get(l).execute(() -> {
                sum.addAndGet((int) mine.stream().filter(SipUserAgent::isRegistered).count());
                if (waiting.decrementAndGet() == 0) {
                    then.accept(sum.get());
                }
            });
        }
    }

    private void stopAll(List<List<SipUserAgent>> agents) throws InterruptedException {
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (int l = 0; l < loops.size(); l++) {
            List<SipUserAgent> mine = agents.get(l);
            stopped.add(onLoop(l, () -> CompletableFuture.allOf(mine.stream().map(SipUserAgent::stop)
                    .toArray(CompletableFuture[]::new))));
        }
        join(CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)), Duration.ofSeconds(30));
    }

    private static void failed(Map<String, Long> failures, Throwable error) {
        synchronized (failures) {
            failures.merge(StepFailure.of(error).reason(), 1L, Long::sum);
        }
    }

    private <T> CompletableFuture<T> onLoop(int loopIndex, java.util.function.Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loops.get(loopIndex).execute(() -> work.get().whenComplete((v, e) -> {
            if (e == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(e);
            }
        }));
        return result;
    }

    private static <T> T join(CompletableFuture<T> future, Duration limit) throws InterruptedException {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }
}
