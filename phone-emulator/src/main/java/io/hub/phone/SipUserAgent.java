package io.hub.phone;

import io.hub.phone.net.NetLoop;
import io.hub.phone.sip.DigestAnswer;
import io.hub.phone.sip.SipFlow;
import io.hub.phone.sip.SipMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;

/**
 * The SIP side of an emulated phone, as RFC 5626 describes a client: one TLS flow to the registrar,
 * REGISTER with digest and {@code +sip.instance}/{@code reg-id}, CRLF keepalives at 80-100 % of the
 * interval (the Flow-Timer when the registrar sends one), a refresh before the binding expires
 * (re-using the nonce with the next nc, as phones do), and, when a keepalive goes unanswered or the
 * flow breaks, a new flow and a new registration with backoff. OPTIONS are answered; calls go to the
 * {@link Calls} handler. Used on the {@link NetLoop} only.
 */
public final class SipUserAgent implements SipFlow.Handler {

    /** What happens to the phone's registration. */
    public interface Listener {
        default void registered(SipUserAgent agent, Registration registration) {
        }

        default void keepalive(SipUserAgent agent, Duration pong) {
        }

        default void flowLost(SipUserAgent agent, String why) {
        }

        /** The phone stopped trying to get its registration back. */
        default void gaveUp(SipUserAgent agent, StepFailure why) {
        }
    }

    /** What the phone does with call requests (INVITE, ACK, BYE, CANCEL) arriving on its flow. */
    public interface Calls {
        void request(SipUserAgent agent, SipMessage request);

        /** The flow ended: calls on it are over. */
        default void flowClosed(SipUserAgent agent) {
        }
    }

    /**
     * One successful REGISTER.
     *
     * @param flowTimer the registrar's Flow-Timer, or 0 when it sent none
     */
    public record Registration(Duration took, int expires, int flowTimer, boolean outbound, String cipherSuite) {
    }

    static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY";
    private static final Duration PONG_WAIT = Duration.ofSeconds(10);

    private final NetLoop loop;
    private SipAccount account;
    private final SSLContext tls;
    private final InetAddress local;
    private final PhoneSettings settings;
    private final Listener listener;
    private final String instance;
    private final String callId = UUID.randomUUID().toString();
    private final String fromTag = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private Calls calls;
    private java.util.function.Consumer<Boolean> checkSync;
    private SipFlow flow;
    private long cseq;
    private DigestAnswer.Challenge challenge;
    private int nonceCount;
    private boolean proxyChallenge;
    private Registration registration;
    private ScheduledFuture<?> keepaliveTimer;
    private ScheduledFuture<?> refreshTimer;
    private boolean stopped;
    private boolean reconnecting;
    /** Connection attempts since the last registration: which entry point the next one uses. */
    private int attemptsInARow;
    private SipAccount.EntryPoint entryPoint;

    /**
     * @param instanceSeed what the phone's {@code +sip.instance} UUID is derived from (its MAC), so
     *     it stays the same across restarts as RFC 5626 wants
     */
    public SipUserAgent(NetLoop loop, SipAccount account, SSLContext tls, InetAddress local, PhoneSettings settings,
            String instanceSeed, Listener listener) {
        this.loop = loop;
        this.account = account;
        this.tls = tls;
        this.local = local;
        this.settings = settings;
        this.listener = listener;
        this.instance = "urn:uuid:" + UUID.nameUUIDFromBytes(instanceSeed.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What the phone does when the hub sends {@code NOTIFY Event: check-sync}: it is called on the
     * loop with true for {@code reboot=true}, after the 200 went out. Without one, such a NOTIFY is
     * refused 489 as any other event.
     */
    public void onCheckSync(java.util.function.Consumer<Boolean> handler) {
        this.checkSync = handler;
    }

    public void calls(Calls handler) {
        this.calls = handler;
    }

    public SipAccount account() {
        return account;
    }

    /** The flow, or null before the first connection. */
    public SipFlow flow() {
        return flow;
    }

    public boolean isRegistered() {
        return registration != null && flow != null && flow.isOpen() && !stopped;
    }

    /** The local address media and contacts use. */
    public InetAddress localAddress() {
        return local;
    }

    /**
     * Opens a flow and registers on it (one attempt; wrap it in retries). Once registered, the agent
     * keeps the flow alive and the binding fresh by itself until {@link #stop}.
     */
    public CompletableFuture<Registration> connectAndRegister() {
        loop.requireLoop();
        if (flow != null) {
            flow.close("replaced by a new flow");
        }
        SipAccount.EntryPoint target = account.entryPoint(attemptsInARow++);
        entryPoint = target;
        flow = SipFlow.connect(loop, target.address(), local, tls, target.serverName(), settings.stepDeadline(),
                this);
        SipFlow mine = flow;
        return flow.opened().thenCompose(opened -> register(account.expires(), false)).whenComplete((r, e) -> {
            if (e != null) {
                mine.close("registration failed");
            } else {
                attemptsInARow = 0;
            }
        });
    }

    /** Where the current (or last) flow was opened: the registrar or the region's fallback. */
    public SipAccount.EntryPoint entryPoint() {
        return entryPoint;
    }

    /**
     * Registers on the open flow. With {@code reuseNonce}, the last challenge is answered again with the
     * next nonce count, saving the 401 round trip; without, the REGISTER starts unauthenticated.
     */
    public CompletableFuture<Registration> register(int expires, boolean reuseNonce) {
        loop.requireLoop();
        long started = System.nanoTime();
        String authorization = reuseNonce && challenge != null ? authorization(++nonceCount) : null;
        return flow.request(registerRequest(expires, authorization), settings.stepDeadline(), null)
                .thenCompose(answer -> registered(answer, expires, started, 0));
    }

    /**
     * The phone fetched new credentials for the same AOR (a rotated password): it registers on the
     * same flow with them, starting unauthenticated as the old challenge belongs to the old password.
     *
     * @throws IllegalArgumentException when {@code changed} is another AOR or registrar (a new agent's job)
     */
    public CompletableFuture<Registration> reregister(SipAccount changed) {
        loop.requireLoop();
        if (!changed.aor().equals(account.aor()) || !changed.registrar().equals(account.registrar())) {
            throw new IllegalArgumentException("re-registering keeps the AOR and registrar: " + account.aor()
                    + " is not " + changed.aor());
        }
        account = changed;
        challenge = null;
        nonceCount = 0;
        return register(account.expires(), false);
    }

    /** Sends one CRLF ping and completes with the time to its pong. */
    public CompletableFuture<Duration> ping() {
        return flow.ping(PONG_WAIT);
    }

    /**
     * Stops the phone: its binding removed first when the settings say so (a short wait, then it goes
     * anyway), then the flow closed.
     */
    public CompletableFuture<Void> stop() {
        loop.requireLoop();
        stopped = true;
        cancelTimers();
        if (flow == null) {
            return CompletableFuture.completedFuture(null);
        }
        SipFlow closing = flow;
        if (!settings.unregisterOnStop() || registration == null || !closing.isOpen()) {
            closing.close("the phone stopped");
            return CompletableFuture.completedFuture(null);
        }
        return register(0, true).handle((r, e) -> {
            closing.close("the phone stopped");
            return null;
        });
    }

    /** A new request within this phone's identity, for the call side: Via, Max-Forwards, CSeq from the caller. */
    public SipMessage.Builder request(String method, String uri) {
        return SipMessage.request(method, uri)
                .header("Via", "SIP/2.0/TLS " + flow.localHostPort() + ";branch=" + SipFlow.newBranch() + ";rport")
                .header("Max-Forwards", "70");
    }

    /** {@code <sip:user@ip:port;transport=tls;ob>}, the URI the hub reaches this phone at through its flow. */
    public String contactUri() {
        return "sip:" + account.user() + "@" + flow.localHostPort() + ";transport=tls;ob";
    }

    public String userAgentHeader() {
        return settings.userAgent();
    }

    @Override
    public void request(SipFlow from, SipMessage request) {
        switch (request.method()) {
            case "OPTIONS" -> from.send(SipMessage.response(request, 200, "OK", tag())
                    .header("Allow", ALLOW).header("Accept", "application/sdp").header("Supported", "outbound")
                    .header("User-Agent", settings.userAgent()).build());
            case "INVITE", "ACK", "BYE", "CANCEL" -> {
                if (calls != null) {
                    calls.request(this, request);
                } else if (!request.method().equals("ACK")) {
                    from.send(SipMessage.response(request, 480, "Temporarily Unavailable", tag()).build());
                }
            }
            case "NOTIFY" -> checkSync(from, request);
            default -> from.send(SipMessage.response(request, 405, "Method Not Allowed", tag())
                    .header("Allow", ALLOW).build());
        }
    }

    /**
     * An unsolicited NOTIFY as Yealink, Polycom and Snom phones take it: {@code check-sync} (with
     * {@code reboot=true} or not) is answered 200 and acted upon; any other event is 489 Bad Event.
     */
    private void checkSync(SipFlow from, SipMessage request) {
        String event = request.header("Event").orElse("").strip();
        String[] parts = event.split(";");
        if (checkSync == null || !parts[0].strip().equalsIgnoreCase("check-sync")) {
            from.send(SipMessage.response(request, 489, "Bad Event", tag()).header("Allow-Events", "check-sync")
                    .build());
            return;
        }
        boolean reboot = false;
        for (int i = 1; i < parts.length; i++) {
            reboot |= parts[i].strip().equalsIgnoreCase("reboot=true");
        }
        from.send(SipMessage.response(request, 200, "OK", tag()).build());
        checkSync.accept(reboot);
    }

    @Override
    public void closed(SipFlow closedFlow, String why) {
        if (closedFlow != flow) {
            return;
        }
        if (calls != null) {
            calls.flowClosed(this);
        }
        cancelTimers();
        boolean wasRegistered = registration != null;
        registration = null;
        if (wasRegistered && !stopped) {
            listener.flowLost(this, why);
            reconnect();
        }
    }

    private CompletableFuture<Registration> registered(SipMessage answer, int expires, long started, int round) {
        int status = answer.status();
        if (status == 200) {
            Registration done = new Registration(Duration.ofNanos(System.nanoTime() - started), grantedExpires(answer,
                    expires), answer.header("Flow-Timer").map(SipUserAgent::number).orElse(0),
                    answer.headers("Require").stream().anyMatch(r -> r.toLowerCase(Locale.ROOT).contains("outbound")),
                    flow.cipherSuite());
            if (expires > 0) {
                registration = done;
                scheduleKeepalive();
                scheduleRefresh();
                listener.registered(this, done);
            }
            return CompletableFuture.completedFuture(done);
        }
        if ((status == 401 || status == 407) && round < 2) {
            List<String> offered = answer.headers(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
            DigestAnswer.Challenge chosen = DigestAnswer.choose(offered, settings.digest()).orElse(null);
            if (chosen == null) {
                return CompletableFuture.failedFuture(StepFailure.finalFailure(status + " no usable challenge",
                        "REGISTER was challenged with no digest this phone answers (" + settings.digest() + "): "
                                + offered));
            }
            if (round == 1 && !chosen.stale()) {
                return CompletableFuture.failedFuture(StepFailure.finalFailure(status + " credentials refused",
                        "REGISTER was challenged again after answering with the configured password"));
            }
            challenge = chosen;
            proxyChallenge = status == 407;
            nonceCount = 1;
            return flow.request(registerRequest(expires, authorization(nonceCount)), settings.stepDeadline(), null)
                    .thenCompose(next -> registered(next, expires, started, round + 1));
        }
        if (status == 423 && round < 2) {
            int minimum = answer.header("Min-Expires").map(SipUserAgent::number).orElse(0);
            if (minimum > expires) {
                return flow.request(registerRequest(minimum, challenge == null ? null : authorization(++nonceCount)),
                        settings.stepDeadline(), null).thenCompose(next -> registered(next, minimum, started,
                        round + 1));
            }
        }
        return CompletableFuture.failedFuture(StepFailure.of(answer, "the registrar"));
    }

    private SipMessage registerRequest(int expires, String authorization) {
        String aor = account.aor();
        SipMessage.Builder builder = SipMessage.request("REGISTER", "sip:" + account.domain())
                .header("Via", "SIP/2.0/TLS " + flow.localHostPort() + ";branch=" + SipFlow.newBranch() + ";rport")
                .header("Max-Forwards", "70")
                .header("From", "<" + aor + ">;tag=" + fromTag)
                .header("To", "<" + aor + ">")
                .header("Call-ID", callId)
                .header("CSeq", ++cseq + " REGISTER")
                .header("Contact", "<" + contactUri() + ">;+sip.instance=\"<" + instance + ">\";reg-id=1;expires="
                        + expires)
                .header("Expires", Integer.toString(expires))
                .header("Supported", "outbound, path")
                .header("Allow", ALLOW)
                .header("User-Agent", settings.userAgent());
        if (authorization != null) {
            builder.header(challengeHeader(), authorization);
        }
        return builder.build();
    }

    private String challengeHeader() {
        return proxyChallenge ? "Proxy-Authorization" : "Authorization";
    }

    private String authorization(int nc) {
        return DigestAnswer.authorization(challenge, "REGISTER", "sip:" + account.domain(), account.authUser(),
                account.password(), nc, Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    }

    /** The expiry the registrar granted this phone's contact, else the Expires header, else what was asked. */
    private int grantedExpires(SipMessage answer, int asked) {
        String mine = flow.localHostPort();
        for (String line : answer.headers("Contact")) {
            for (String contact : line.split(",(?=\\s*<)")) {
                if (contact.contains(mine) || contact.contains(instance)) {
                    String value = SipMessage.parameter(contact, "expires");
                    if (value != null) {
                        return number(value);
                    }
                }
            }
        }
        return answer.header("Expires").map(SipUserAgent::number).orElse(asked);
    }

    private void scheduleKeepalive() {
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
        int interval = registration.flowTimer() > 0 ? registration.flowTimer() : account.keepaliveSeconds();
        // RFC 5626 §4.4.1: a random time between 80 and 100 % of the interval, so phones spread out.
        long millis = (long) (interval * 1000L * (0.8 + 0.2 * ThreadLocalRandom.current().nextDouble()));
        keepaliveTimer = loop.schedule(this::keepalive, Duration.ofMillis(millis));
    }

    private void keepalive() {
        if (!isRegistered()) {
            return;
        }
        SipFlow pinged = flow;
        pinged.ping(PONG_WAIT).whenComplete((pong, error) -> {
            if (pinged != flow || stopped) {
                return;
            }
            if (error != null) {
                pinged.close("keepalive failed: " + StepFailure.of(error).detail());
                return;
            }
            listener.keepalive(this, pong);
            scheduleKeepalive();
        });
    }

    private void scheduleRefresh() {
        if (refreshTimer != null) {
            refreshTimer.cancel(false);
        }
        int expires = registration.expires();
        long seconds = Math.max(1, Math.min(expires - 5, Math.round(expires * 0.8)));
        refreshTimer = loop.schedule(() -> {
            if (!isRegistered()) {
                return;
            }
            SipFlow refreshed = flow;
            register(account.expires(), true).whenComplete((r, error) -> {
                if (error != null && refreshed == flow && !stopped) {
                    refreshed.close("refresh failed: " + StepFailure.of(error).reason());
                }
            });
        }, Duration.ofSeconds(seconds));
    }

    /** A new flow and a new registration, tried until it works or the phone is stopped. */
    private void reconnect() {
        if (reconnecting || stopped) {
            return;
        }
        reconnecting = true;
        PhoneSettings patient = settings.withAttempts(Integer.MAX_VALUE, settings.backoff());
        Retries.run(loop, patient, Step.REGISTER, settings.stepDeadline().multipliedBy(2),
                () -> stopped ? CompletableFuture.failedFuture(StepFailure.finalFailure("stopped", "stopped"))
                        : connectAndRegister(),
                why -> {
                    if (flow != null) {
                        flow.close(why);
                    }
                }, (step, attempt, wait, why) -> {
                }).whenComplete((r, error) -> {
                    reconnecting = false;
                    if (error != null && !stopped) {
                        listener.gaveUp(this, StepFailure.of(error));
                    }
                });
    }

    private void cancelTimers() {
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
        if (refreshTimer != null) {
            refreshTimer.cancel(false);
        }
    }

    /** A fresh tag for a response this phone makes. */
    public static String tag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
