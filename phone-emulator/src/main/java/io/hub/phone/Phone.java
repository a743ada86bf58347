package io.hub.phone;

import io.hub.phone.http.HttpAnswer;
import io.hub.phone.http.HttpsClient;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.identity.PhoneIdentity;
import io.hub.phone.net.NetLoop;
import io.hub.phone.provisioning.Discovery;
import io.hub.phone.provisioning.PhoneConfig;
import io.hub.pki.MacAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * One emulated desk phone booting against the hub, step by step as a real one does: its factory
 * certificate, discovery, configuration, firmware when the target differs from what it runs (the
 * digest checked), a status report, then SIP-TLS registration and a first keepalive. Each step has
 * a deadline and is retried with backoff where a phone would retry; the first step that fails for
 * good ends the boot with the hub's reason. Runs on the {@link NetLoop}.
 */
public final class Phone {

    /** What the phone tells whoever watches it, on the loop's thread. */
    public interface Listener extends SipUserAgent.Listener {
        default void step(Phone phone, Step step, Duration took, String detail) {
        }

        default void retrying(Phone phone, Step step, int attempt, Duration wait, StepFailure why) {
        }

        default void failed(Phone phone, Step step, StepFailure why) {
        }

        /** The hub sent check-sync (a reboot when {@code reboot}); the phone fetches again or boots again. */
        default void checkSync(Phone phone, boolean reboot) {
        }

        /**
         * The phone did what a check-sync asked: fetched its configuration (and firmware when its
         * target changed) again, or, for a reboot, booted again up to its registration.
         */
        default void resynced(Phone phone, boolean reboot) {
        }
    }

    private static final int MAX_DOCUMENT = 1024 * 1024;

    private final NetLoop loop;
    private final PhoneSettings settings;
    private final PhoneCertificates certificates;
    private final Executor certificateWork;
    private final MacAddress mac;
    private final String model;
    private final InetAddress local;
    private final Listener listener;
    private final Map<String, HttpsClient> clients = new HashMap<>();
    private PhoneIdentity identity;
    private SSLContext tls;
    private String runningFirmware;
    private PhoneConfig config;
    private SipUserAgent agent;
    private Step current = Step.CERTIFICATE;
    private volatile int boots;
    private volatile int configFetches;

    /**
     * @param certificateWork where certificates are made or read (key generation and files stay off the loop)
     * @param local the address this phone sends from, or null for any
     */
    public Phone(NetLoop loop, PhoneSettings settings, PhoneCertificates certificates, Executor certificateWork,
            MacAddress mac, String model, InetAddress local, Listener listener) {
        this.loop = loop;
        this.settings = settings;
        this.certificates = certificates;
        this.certificateWork = certificateWork;
        this.mac = mac;
        this.model = model;
        this.local = local;
        this.listener = listener;
        this.runningFirmware = settings.runningFirmware();
    }

    public NetLoop loop() {
        return loop;
    }

    public MacAddress mac() {
        return mac;
    }

    public String model() {
        return model;
    }

    /** The configuration once fetched, else null. */
    public PhoneConfig config() {
        return config;
    }

    /** The SIP user and password a provisioned phone registers with. */
    public record SipLogin(String user, String password) {
    }

    /** The SIP login its configuration gave it, once fetched. */
    public Optional<SipLogin> sipLogin() {
        return Optional.ofNullable(config).map(fetched -> new SipLogin(fetched.authUser(), fetched.password()));
    }

    /** The SIP side once the phone got that far, else null. */
    public SipUserAgent agent() {
        return agent;
    }

    /** The step the phone is at, or failed at. */
    public Step step() {
        return current;
    }

    public String runningFirmware() {
        return runningFirmware;
    }

    /** How many times the phone started booting. */
    public int boots() {
        return boots;
    }

    /** How many configurations the phone fetched, at boot and at check-sync. */
    public int configFetches() {
        return configFetches;
    }

    /** Boots the phone (start it from any thread); completes with its registered SIP side or the failure. */
    public CompletableFuture<SipUserAgent> boot() {
        return boot(true);
    }

    /**
     * Boots the phone; without {@code register} it stops after its status report (provisioning only)
     * and completes with null.
     */
    public CompletableFuture<SipUserAgent> boot(boolean register) {
        boots++;
        CompletableFuture<SipUserAgent> result = new CompletableFuture<>();
        long started = System.nanoTime();
        CompletableFuture.supplyAsync(() -> certificates.obtain(mac, model), certificateWork)
                .whenComplete((obtained, error) -> loop.execute(() -> {
                    if (error != null) {
                        fail(result, Step.CERTIFICATE, StepFailure.finalFailure("no certificate",
                                StepFailure.of(error).detail()));
                        return;
                    }
                    identity = obtained.identity();
                    tls = identity.tls(settings.trusted());
                    done(Step.CERTIFICATE, started, obtained.how());
                    provision(result, register);
                }));
        return result;
    }

    /** Stops the phone: unregisters when registered, closes its connections. */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        loop.execute(() -> {
            clients.values().forEach(client -> client.close("the phone stopped"));
            if (agent == null) {
                stopped.complete(null);
            } else {
                agent.stop().whenComplete((r, e) -> stopped.complete(null));
            }
        });
        return stopped;
    }

    private void provision(CompletableFuture<SipUserAgent> result, boolean register) {
        fetch().thenCompose(ignored -> {
                    if (!register) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return register().thenCompose(registered -> step(Step.KEEPALIVE, settings.stepDeadline(),
                            agent::ping, pong -> "pong after " + millis(pong)));
                })
                .whenComplete((pong, error) -> {
                    if (error != null) {
                        fail(result, current, StepFailure.of(error));
                    } else {
                        result.complete(agent);
                    }
                });
    }

    /**
     * What a phone does at boot and again at check-sync: discovery, its configuration, its firmware
     * when the target is not what it runs, then its status report.
     */
    private CompletableFuture<Void> fetch() {
        URI base = settings.hub();
        return step(Step.DISCOVERY, settings.stepDeadline(), () -> get(base.resolve("/rdd/v1/discovery"), MAX_DOCUMENT)
                .thenApply(answer -> {
                    HttpAnswer ok = expect(answer, 200, "discovery");
                    Discovery discovery = Discovery.parse(ok.body());
                    if (!discovery.state().equals("ready") || discovery.configUrl().isEmpty()) {
                        throw StepFailure.finalFailure(discovery.state(), "the hub knows this phone but gives it no "
                                + "configuration: " + discovery.message());
                    }
                    return discovery;
                }), discovery -> "state " + discovery.state() + ", SIP " + discovery.sipHost() + ":"
                        + discovery.sipPort() + discovery.firmware().map(f -> ", firmware " + f.version()).orElse(""))
                .thenCompose(discovery -> step(Step.CONFIG, settings.stepDeadline(), () ->
                        get(URI.create(discovery.configUrl().orElseThrow()), MAX_DOCUMENT).thenApply(answer ->
                                PhoneConfig.parse(expect(answer, 200, "configuration").body())),
                        parsed -> parsed.user() + "@" + parsed.domain() + " via " + parsed.registrarHost() + ":"
                                + parsed.registrarPort() + parsed.fallback().map(f -> " (fallback " + f.host() + ":"
                                        + f.port() + ")").orElse("") + ", keepalive " + parsed.keepaliveSeconds() + " s, expires "
                                + parsed.registrationExpires() + " s")
                        .thenCompose(parsed -> {
                            configFetches++;
                            config = parsed;
                            return firmware(discovery, parsed);
                        }))
                .thenCompose(ignored -> step(Step.STATUS, settings.stepDeadline(), this::status,
                        answer -> "firmware " + runningFirmware + " reported"))
                .thenAccept(ignored -> clients.values().forEach(client -> client.close("provisioning done")));
    }

    /**
     * The hub's check-sync, on the loop: fetch again, keeping the registration (a real phone
     * re-registers only when its account changed); or, for a reboot, stop and boot again.
     */
    private void checkSync(boolean reboot) {
        listener.checkSync(this, reboot);
        if (reboot) {
            SipUserAgent running = agent;
            running.stop().whenComplete((stopped, error) -> boot().whenComplete((registered, failure) -> {
                if (failure == null) {
                    listener.resynced(this, true);
                }
            }));
            return;
        }
        fetch().thenCompose(done -> accountChanged()).whenComplete((done, error) -> {
            if (error != null) {
                listener.failed(this, current, StepFailure.of(error));
            } else {
                listener.resynced(this, false);
            }
        });
    }

    /**
     * After a check-sync's fetch: a changed password is registered on the same flow, another account
     * (extension, domain, registrar) from scratch; an unchanged account keeps its registration.
     */
    private CompletableFuture<?> accountChanged() {
        SipAccount fetched = account();
        SipUserAgent running = agent;
        if (running == null || fetched.equals(running.account())) {
            return CompletableFuture.completedFuture(null);
        }
        SipAccount registered = running.account();
        if (fetched.aor().equals(registered.aor()) && fetched.registrar().equals(registered.registrar())) {
            return step(Step.REGISTER, settings.stepDeadline().multipliedBy(2), () -> running.reregister(fetched),
                    registration -> fetched.aor() + " with its new credentials");
        }
        return running.stop().thenCompose(stopped -> register());
    }

    /** The SIP account the current configuration describes. */
    private SipAccount account() {
        InetSocketAddress registrar = settings.sipServer().orElseGet(() ->
                new InetSocketAddress(config.registrarHost(), config.registrarPort()));
        // A test's sipServer stands in for the registrar's name only; a second entry point is used as named.
        Optional<SipAccount.EntryPoint> fallback = config.fallback().map(other -> new SipAccount.EntryPoint(
                new InetSocketAddress(other.host(), other.port()), other.host()));
        return new SipAccount(registrar, config.registrarHost(), config.domain(), config.user(),
                config.authUser(), config.password(), config.keepaliveSeconds(), config.registrationExpires(),
                fallback);
    }

    private CompletableFuture<Object> firmware(Discovery discovery, PhoneConfig parsed) {
        Optional<String> target = parsed.firmwareVersion().or(() -> discovery.firmware().map(Discovery.Firmware::version));
        if (target.isEmpty() || target.get().equals(runningFirmware)) {
            listener.step(this, Step.FIRMWARE, Duration.ZERO, target.isEmpty() ? "no target set; keeps "
                    + runningFirmware : "already runs " + runningFirmware);
            return CompletableFuture.completedFuture(null);
        }
        Optional<Discovery.Firmware> announced = discovery.firmware().filter(f -> f.version().equals(target.get()));
        String url = parsed.firmwareUrl().or(() -> announced.map(Discovery.Firmware::url)).orElse(null);
        if (url == null) {
            return CompletableFuture.failedFuture(StepFailure.finalFailure("no firmware url",
                    "the target firmware " + target.get() + " has no download URL"));
        }
        return step(Step.FIRMWARE, settings.firmwareDeadline(), () -> get(URI.create(url), 0).thenApply(answer -> {
            HttpAnswer ok = expect(answer, 200, "firmware download");
            verifyDigest(ok, announced);
            return ok;
        }), image -> {
            String from = runningFirmware;
            runningFirmware = target.get();
            return from + " -> " + target.get() + ", " + image.length() + " bytes, sha-256 verified";
        }).thenApply(image -> image);
    }

    /** The image's SHA-256 must match the digest header (Repr-Digest or Digest) and what discovery announced. */
    private static void verifyDigest(HttpAnswer image, Optional<Discovery.Firmware> announced) {
        String computed = image.sha256();
        Optional<String> header = image.header("Repr-Digest").flatMap(v -> digestValue(v, "sha-256=:", ":"))
                .or(() -> image.header("Digest").flatMap(v -> digestValue(v, "SHA-256=", null)));
        if (header.isEmpty()) {
            throw StepFailure.finalFailure("no digest", "the firmware came without a Repr-Digest or Digest header");
        }
        if (!header.get().equals(computed)) {
            throw StepFailure.finalFailure("digest mismatch", "the image's SHA-256 is " + computed
                    + " but its digest header says " + header.get());
        }
        if (announced.flatMap(Discovery.Firmware::sha256).filter(s -> !s.equalsIgnoreCase(computed)).isPresent()) {
            throw StepFailure.finalFailure("digest mismatch", "the image's SHA-256 is " + computed
                    + " but discovery announced " + announced.get().sha256().orElseThrow());
        }
        if (announced.isPresent() && announced.get().size() >= 0 && announced.get().size() != image.length()) {
            throw StepFailure.finalFailure("size mismatch", "the image has " + image.length()
                    + " bytes but discovery announced " + announced.get().size());
        }
    }

    /** The hex SHA-256 in a {@code sha-256=:b64:} or {@code SHA-256=b64} header value. */
    static Optional<String> digestValue(String header, String prefix, String suffix) {
        for (String part : header.split(",")) {
            String value = part.strip();
            if (value.regionMatches(true, 0, prefix, 0, prefix.length())) {
                String b64 = value.substring(prefix.length());
                if (suffix != null && b64.endsWith(suffix)) {
                    b64 = b64.substring(0, b64.length() - suffix.length());
                }
                try {
                    return Optional.of(HexFormat.of().formatHex(Base64.getDecoder().decode(b64)));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private CompletableFuture<HttpAnswer> status() {
        URI uri = settings.hub().resolve("/prov/v1/status/" + mac.value());
        HttpsClient client = client(uri);
        InetSocketAddress from = client.localAddress();
        String ip = from != null ? from.getAddress().getHostAddress() : local != null ? local.getHostAddress()
                : "0.0.0.0";
        String report = "{\"firmware\":\"" + json(runningFirmware) + "\",\"ip\":\"" + ip + "\",\"userAgent\":\""
                + json(settings.userAgent() + " (" + model + ")") + "\"}";
        return client.send("POST", uri.getRawPath(), Map.of("Content-Type", "application/json"),
                report.getBytes(StandardCharsets.UTF_8), MAX_DOCUMENT).thenApply(answer -> {
                    if (answer.status() != 204 && answer.status() != 200) {
                        throw StepFailure.of(answer, "the status report");
                    }
                    return answer;
                });
    }

    private CompletableFuture<SipUserAgent.Registration> register() {
        SipAccount account = account();
        agent = new SipUserAgent(loop, account, tls, local, settings, mac.value(), listener);
        agent.onCheckSync(this::checkSync);
        return step(Step.REGISTER, settings.stepDeadline().multipliedBy(2), agent::connectAndRegister,
                registration -> account.aor() + " via " + agent.entryPoint() + ", expires " + registration.expires()
                        + " s"
                        + (registration.outbound() ? ", outbound flow-timer " + registration.flowTimer() + " s" : "")
                        + ", " + registration.cipherSuite());
    }

    private <T> CompletableFuture<T> step(Step step, Duration deadline, Supplier<CompletableFuture<T>> attempt,
            java.util.function.Function<T, String> detail) {
        current = step;
        long started = System.nanoTime();
        return Retries.run(loop, settings, step, deadline, attempt, why -> {
            clients.values().forEach(client -> client.close(why));
            if (step == Step.REGISTER && agent != null && agent.flow() != null) {
                agent.flow().close(why);
            }
        }, (s, attempt2, wait, why) -> listener.retrying(this, s, attempt2, wait, why)).thenApply(value -> {
            done(step, started, detail.apply(value));
            return value;
        });
    }

    private void done(Step step, long startedNanos, String detail) {
        listener.step(this, step, Duration.ofNanos(System.nanoTime() - startedNanos), detail);
    }

    private void fail(CompletableFuture<SipUserAgent> result, Step step, StepFailure failure) {
        current = step;
        clients.values().forEach(client -> client.close("boot failed"));
        listener.failed(this, step, failure);
        result.completeExceptionally(failure);
    }

    private CompletableFuture<HttpAnswer> get(URI uri, int keepAtMost) {
        return client(uri).send("GET", uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
                Map.of("Accept", "*/*"), null, keepAtMost);
    }

    private HttpsClient client(URI uri) {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw StepFailure.finalFailure("not https", "the hub sent the phone to " + uri + ", which is not HTTPS");
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return clients.computeIfAbsent(host.toLowerCase(Locale.ROOT) + ":" + port, key -> new HttpsClient(loop,
                new InetSocketAddress(host, port), host, local, tls, settings.stepDeadline(),
                settings.userAgent() + " (" + model + ")"));
    }

    private static HttpAnswer expect(HttpAnswer answer, int status, String what) {
        if (answer.status() != status) {
            throw StepFailure.of(answer, "the " + what);
        }
        return answer;
    }

    static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
