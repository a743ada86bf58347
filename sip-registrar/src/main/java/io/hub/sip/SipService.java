package io.hub.sip;

import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.sip.access.SipAccess;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.pki.DeviceIdentity;
import io.hub.relay.RelayMode;
import io.hub.sip.call.CallRecord;
import io.hub.sip.call.CallRecords;
import io.hub.sip.call.CallRouter;
import io.hub.sip.call.CallSettings;
import io.hub.sip.call.JdbcCallRecords;
import io.hub.sip.location.JdbcBindingStore;
import io.hub.sip.location.JournaledBindingStore;
import io.hub.sip.transport.Flow;
import io.hub.sip.call.CallTimers;
import io.hub.sip.location.BindingStore;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayConfig;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.Registrar;
import io.hub.sip.registrar.RegistrarSettings;
import io.hub.sip.transport.SipServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP side of the hub, started and stopped as one: the listeners, the registrar, the location
 * store, calls and the timer that expires bindings.
 *
 * <p>This class and the other types of {@code io.hub.sip} are what the rest of the hub uses: hub-app
 * starts SIP with {@link #start(Listen, DeviceCertificateValidator, SipAccounts, DataSource,
 * MeterRegistry, Clock, Options, Standing)}, hands it the hub's database and metrics registry, and
 * reads and steers it through the methods here. The feature packages below ({@code transport},
 * {@code registrar}, {@code location}, {@code call}, {@code access}) are the module's own; their
 * accessors here ({@link #location()}, {@link #calls()} …) are for the module's tests.
 */
public final class SipService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipService.class);

    /**
     * Where SIP listens.
     *
     * @param plainPort plain TCP for testers, or null for none
     */
    public record Listen(InetAddress bind, int tlsPort, Integer plainPort, SSLContext tls) {
    }

    /**
     * How calls are made: the relay's ports, the call timeouts, where ended calls are kept and
     * where the call timers run (the SIP service closes them).
     */
    public record Calls(RelayConfig relay, CallSettings settings, CallRecords records, CallTimers timers,
                        DtlsSrtpLegs dtls) {

        /** With the hub's own timers, on a thread of their own, and no DTLS-SRTP. */
        public Calls(RelayConfig relay, CallSettings settings, CallRecords records) {
            this(relay, settings, records, CallTimers.threaded());
        }

        /** Without DTLS-SRTP: a WebRTC offer is refused with 488. */
        public Calls(RelayConfig relay, CallSettings settings, CallRecords records, CallTimers timers) {
            this(relay, settings, records, timers, null);
        }

        /**
         * With {@code dtls}: a caller's or callee's WebRTC SDP ({@code UDP/TLS/RTP/SAVPF} with a
         * fingerprint) gets a DTLS-SRTP leg; the hub's owner closes it after the SIP service.
         */
        public Calls withDtls(DtlsSrtpLegs dtls) {
            return new Calls(relay, settings, records, timers, dtls);
        }
    }

    /**
     * What the hub knows of a phone's standing beyond its account: whether its device is revoked,
     * and a value that changes whenever the certificate validator's answers may have changed
     * (revocations, trusted and untrusted CAs, imported manufacturer CRLs).
     */
    public record Standing(Predicate<MacAddress> revokedDevice, Supplier<Object> pkiState) {

        /** Nothing revoked, nothing ever changes: for tests of other things. */
        public static Standing none() {
            return new Standing(mac -> false, () -> "");
        }

        /** Follows the PKI in {@code pki}'s directory, also as other processes change it. */
        public static Standing of(HubPki pki) {
            return new Standing(pki.revocations()::isRevoked,
                    () -> List.of(pki.revocations().entries(), pki.trusted().entries(),
                            pki.manufacturerCrls().state()));
        }
    }

    /**
     * What the hub's settings change in SIP.
     *
     * @param keepalive the keepalive interval phones are told, announced as the Flow-Timer
     * @param unregisteredPerSource connections nobody registered on, per IPv4 address or IPv6 /64
     * @param registerDeadline how soon a connection must see a phone register
     * @param relay the relay's ports
     * @param mediaAddress the address SDP names for the relay, or null for the bound one
     * @param relayMode termination (a key per phone) or passthrough (end-to-end keys)
     * @param mediaTimeout how long a call's media may stop before the call is ended
     * @param registersPerAorPerSecond authenticated REGISTERs one AOR may make in a second
     * @param flowDensity requests one registered phone's flow may send per density window (2 s)
     * @param maxConnections SIP connections open at once; the next is closed as it arrives
     * @param node this node's name among nodes sharing the database, whose binding rows are its own;
     *     null for a hub alone
     * @param nonceKey the key digest nonces are made under (32 bytes or more), the same on every node of
     *     a cluster so that a nonce one node issued verifies on another; null for a key of this process's own
     * @param dtls where WebRTC callers' DTLS-SRTP legs are made, or null to refuse them (488)
     * @param bindingJournal the directory of the binding journal ({@link JournaledBindingStore}) for a
     *     database this process owns alone, or null to write bindings to the database directly
     */
    public record Options(Duration keepalive, int unregisteredPerSource, Duration registerDeadline, RelayConfig relay,
            String mediaAddress, RelayMode relayMode, Duration mediaTimeout, int registersPerAorPerSecond,
            int flowDensity, int maxConnections, String node, byte[] nonceKey, DtlsSrtpLegs dtls,
            java.nio.file.Path bindingJournal) {
    }

    private final SipServer server;
    private final MediaRelay relay;
    private final CallRouter calls;
    private final LocationService location;
    private final Registrar registrar;
    private final PhoneRequests phoneRequests;
    private final SipAccess access;
    private final ScheduledExecutorService ticker;
    private final int tlsPort;
    private final Integer plainPort;
    private final SipEdge edge;
    private volatile io.hub.sip.node.NodeLinks nodeLinks;
    private volatile io.hub.sip.node.NodeRelay nodeRelay;

    private SipService(SipServer server, LocationService location, Registrar registrar, PhoneRequests phoneRequests,
            ScheduledExecutorService ticker, int tlsPort, Integer plainPort, MediaRelay relay, CallRouter calls,
            SipAccess access, SipEdge edge) {
        this.edge = edge;
        this.access = access;
        this.relay = relay;
        this.calls = calls;
        this.phoneRequests = phoneRequests;
        this.server = server;
        this.location = location;
        this.registrar = registrar;
        this.ticker = ticker;
        this.tlsPort = tlsPort;
        this.plainPort = plainPort;
    }

    /**
     * Starts SIP for the hub: its tables migrated in {@code database} (bindings, call records, with
     * their own schema history), its meters in {@code metrics}, accounts from {@code accounts}.
     *
     * @param database the hub's database, which the caller keeps open until after {@link #close}
     * @throws IOException when a port cannot be bound
     */
    public static SipService start(Listen listen, DeviceCertificateValidator validator, SipAccounts accounts,
            DataSource database, MeterRegistry metrics, Clock clock, Options options, Standing standing)
            throws IOException {
        RegistrarSettings standard = RegistrarSettings.standard();
        RegistrarSettings registrar = new RegistrarSettings(standard.minExpires(), standard.maxExpires(),
                standard.defaultExpires(), standard.maxContacts(), options.keepalive(), standard.flowGrace(),
                standard.md5OnlyAgents(), options.registersPerAorPerSecond());
        CallSettings calls = CallSettings.standard();
        calls = calls.withMediaAddress(options.mediaAddress()).withMode(options.relayMode()).withTimeouts(
                calls.ringTimeout(), calls.transactionTimeout(), calls.holdTimeout(), options.mediaTimeout());
        BindingStore bindings = new JdbcBindingStore(database, options.node());
        if (options.bindingJournal() != null) {
            JournaledBindingStore journal = new JournaledBindingStore(bindings, options.bindingJournal(),
                    JournaledBindingStore.CHECKPOINT_EVERY);
            io.micrometer.core.instrument.Gauge.builder("hub.sip.binding.checkpoints", journal,
                    JournaledBindingStore::checkpoints)
                    .description("copies of the binding journal into the bindings table").register(metrics);
            bindings = journal;
        }
        return start(listen, validator, new AccountCredentials(accounts, metrics), bindings, registrar,
                SipServer.Limits.standard().unregistered(options.unregisteredPerSource(), options.registerDeadline())
                        .flowDensity(options.flowDensity()).maxConnections(options.maxConnections()),
                clock, metrics, new Calls(options.relay(), calls, new JdbcCallRecords(database)).withDtls(options.dtls()),
                standing, options.nonceKey());
    }

    public static SipService start(Listen listen, DeviceCertificateValidator validator, CredentialSource credentials,
            BindingStore store, RegistrarSettings settings, SipServer.Limits limits, Clock clock, MeterRegistry metrics,
            Calls callSetup) throws IOException {
        return start(listen, validator, credentials, store, settings, limits, clock, metrics, callSetup,
                Standing.none());
    }

    /**
     * Starts SIP with {@code standing}: a revoked device's account does not register, and a change
     * of the PKI's state reaches live flows within a second ({@link SipAccess#sweep}).
     */
    public static SipService start(Listen listen, DeviceCertificateValidator validator, CredentialSource credentials,
            BindingStore store, RegistrarSettings settings, SipServer.Limits limits, Clock clock, MeterRegistry metrics,
            Calls callSetup, Standing standing) throws IOException {
        return start(listen, validator, credentials, store, settings, limits, clock, metrics, callSetup, standing, null);
    }

    private static SipService start(Listen listen, DeviceCertificateValidator validator, CredentialSource credentials,
            BindingStore store, RegistrarSettings settings, SipServer.Limits limits, Clock clock, MeterRegistry metrics,
            Calls callSetup, Standing standing, byte[] nonceKey) throws IOException {
        LocationService location = new LocationService(store, clock);
        DigestAuthenticator digest = new DigestAuthenticator(clock, nonceKey);
        Registrar registrar = new Registrar(credentials, digest, location, settings, clock, metrics,
                standing.revokedDevice());
        io.micrometer.core.instrument.Gauge.builder("hub.sip.digest.foreign.nonces", digest,
                DigestAuthenticator::foreignNoncesTracked)
                .description("nonces of other nodes whose answers are counted here (bounded; past the bound a "
                        + "fresh challenge is sent)").register(metrics);
        PhoneRequests phoneRequests = new PhoneRequests(location);
        CallRouter[] router = new CallRouter[1];
        MediaRelay relay = new MediaRelay(callSetup.relay().withDeadStreamTimeout(callSetup.settings().mediaTimeout()),
                clock, metrics, dead -> router[0].deadStream(dead));
        router[0] = new CallRouter(location, credentials, relay, callSetup.settings(), callSetup.records(), clock,
                metrics, callSetup.timers(), callSetup.dtls());
        CallRouter calls = router[0];
        SipAccess access = new SipAccess(location, calls, credentials, standing.revokedDevice(), standing.pkiState(),
                clock);
        SipEdge edge = new SipEdge(registrar, location, phoneRequests, calls);
        SipServer server = new SipServer(edge, validator, clock, limits, metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.sip.bindings", location, l -> l.all().size())
                .description("registered contact bindings (AOR to contact) now").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.sip.flows", location, LocationService::flowCount)
                .description("live flows (RFC 5626 outbound connections) bound to registrations now")
                .register(metrics);
        // Their ratio is how many binding changes one commit carries (group commit).
        io.micrometer.core.instrument.Gauge.builder("hub.sip.binding.commits", location, l -> l.commits().transactions())
                .description("writes that made binding changes durable (journal appends or transactions)")
                .register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hub.sip.binding.changes", location, l -> l.commits().changes())
                .description("binding changes stored, grouped into those writes").register(metrics);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sip-expiry");
            thread.setDaemon(true);
            return thread;
        });
        try {
            relay.start();
            int tlsPort = server.listenTls(listen.bind(), listen.tlsPort(), listen.tls());
            Integer plainPort = listen.plainPort() == null ? null : server.listenTcp(listen.bind(), listen.plainPort());
            if (plainPort != null) {
                LOG.warn("plain SIP over TCP on {}:{}, without TLS or client certificates: for testers only",
                        listen.bind().getHostAddress(), plainPort);
            }
            ticker.scheduleAtFixedRate(() -> {
                try {
                    location.expire(clock.instant());
                } catch (RuntimeException e) {
                    LOG.warn("expiring bindings failed: {}", e.getMessage());
                }
            }, 1, 1, TimeUnit.SECONDS);
            ticker.scheduleWithFixedDelay(() -> {
                try {
                    access.sweep();
                } catch (RuntimeException e) {
                    LOG.warn("following the pki onto sip failed: {}", e.toString());
                }
            }, 1, 1, TimeUnit.SECONDS);
            ticker.scheduleWithFixedDelay(registrar::summarizeRefusals, 10, 10, TimeUnit.SECONDS);
            return new SipService(server, location, registrar, phoneRequests, ticker, tlsPort, plainPort, relay, calls,
                    access, edge);
        } catch (IOException | RuntimeException e) {
            server.close();
            calls.close();
            relay.close();
            ticker.shutdownNow();
            location.close();
            throw e;
        }
    }

    /**
     * Makes this node one of a cluster's for calls: a call to a phone whose flow another node holds
     * goes to that node over SIP-TLS ({@link io.hub.sip.node.NodeLinks}, its binding row naming the
     * node, {@code directory} its address), and a node peer's call to a phone whose flow is here goes
     * down that flow ({@link io.hub.sip.node.NodeRelay}). The calling node's relay carries the media.
     *
     * @param database the shared database whose {@code sip_binding} rows name each binding's node
     * @param self this node's name
     * @param nodeTls this node's certificate as a client's and the hub CA as the only anchor
     * @param nodeCertificate whether a client chain is a node's of this cluster
     */
    public void reachOtherNodes(DataSource database, String self, NodeDirectory directory,
            SSLContext nodeTls, java.util.function.Predicate<List<java.security.cert.X509Certificate>> nodeCertificate,
            Clock clock) {
        io.hub.sip.node.NodeRelay relayed = new io.hub.sip.node.NodeRelay(location, nodeCertificate);
        edge.relay(relayed);
        nodeRelay = relayed;
        io.hub.sip.node.NodeLinks links = new io.hub.sip.node.NodeLinks(server, database, self, directory, nodeTls,
                clock);
        nodeLinks = links;
        calls.reachOtherNodes(links);
    }

    /**
     * The node certificate was renewed: links to other nodes opened from now on present it, the open
     * ones are retired ({@link io.hub.sip.node.NodeLinks#replaceTls}). Nothing for a hub alone.
     */
    public void replaceNodeTls(SSLContext fresh) {
        io.hub.sip.node.NodeLinks links = nodeLinks;
        if (links != null) {
            links.replaceTls(fresh);
        }
    }

    /** Links to other nodes retired by a renewal and still open (0 for a hub alone). */
    public int retiredNodeLinks() {
        io.hub.sip.node.NodeLinks links = nodeLinks;
        return links == null ? 0 : links.retiredLinks();
    }

    /** The serials of the node certificates the peers of the dialogs relayed now presented. */
    public java.util.Set<java.math.BigInteger> relayedPeerSerials() {
        io.hub.sip.node.NodeRelay relayed = nodeRelay;
        return relayed == null ? java.util.Set.of() : relayed.peerSerials();
    }

    /** Dialogs this node relays now between node peers and its phones (0 for a hub alone). */
    public int relayedDialogs() {
        io.hub.sip.node.NodeRelay relayed = nodeRelay;
        return relayed == null ? 0 : relayed.dialogs();
    }

    public int tlsPort() {
        return tlsPort;
    }

    public Integer plainPort() {
        return plainPort;
    }

    /**
     * The web port's SIP over WebSocket endpoint ({@code /sip}, RFC 7118) for {@code jetty}: each
     * WebSocket offering the {@code sip} subprotocol is a flow of this service, with the rules of a
     * TLS flow. The caller owns {@code jetty} (its TLS, port and other paths: requests for them go to
     * the handler it sets inside the one returned).
     */
    public org.eclipse.jetty.server.Handler.Wrapper webSocketHandler(org.eclipse.jetty.server.Server jetty) {
        return io.hub.sip.transport.SipWebSocketUpgrade.handler(jetty, server);
    }

    /**
     * {@link #webSocketHandler(org.eclipse.jetty.server.Server)} for the web port's {@code connector},
     * whose connections are held to {@code limits} from now on: a guard (its deadlines measured with
     * {@code clock}, its refusals counted in {@code hub.web.refused} of {@code metrics}) listens to the
     * connector and is told of every upgrade and registration.
     */
    public org.eclipse.jetty.server.Handler.Wrapper webSocketHandler(org.eclipse.jetty.server.Server jetty,
            org.eclipse.jetty.server.Connector connector, WebPortLimits limits, Clock clock,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        io.hub.sip.transport.WebPortGuard guard = new io.hub.sip.transport.WebPortGuard(limits, clock, metrics);
        connector.addEventListener(guard);
        return io.hub.sip.transport.SipWebSocketUpgrade.handler(jetty, server, guard);
    }

    /**
     * New SIP-TLS connections are accepted with {@code tls} from now on (a renewed server
     * certificate); open flows keep theirs.
     */
    public void replaceTls(SSLContext tls) {
        server.replaceTls(tls);
    }

    /** The transport: connections, and the unregistered ones per source. */
    public SipServer server() {
        return server;
    }

    public LocationService location() {
        return location;
    }

    public Registrar registrar() {
        return registrar;
    }

    /** Requests to phones, down their own flows. */
    public PhoneRequests phoneRequests() {
        return phoneRequests;
    }

    /** Calls between phones: the active ones and the records of ended ones. */
    public CallRouter calls() {
        return calls;
    }

    /** Takes phones off SIP when they lose their right to it. */
    public SipAccess access() {
        return access;
    }

    public MediaRelay relay() {
        return relay;
    }

    /** How many open flows carry a live registration: the phones this node holds. */
    public int liveFlows() {
        return location.liveFlowCount();
    }

    /** Every registered contact with the state of its flow. */
    public List<Registration> registrations() {
        return location.all().stream().map(binding -> {
            Optional<Flow> flow = location.flow(binding);
            return new Registration(binding.aor(), binding.contact(), binding.instance(), binding.regId(),
                    binding.expiresAt(), binding.registeredAt(), binding.refreshedAt(), binding.userAgent(),
                    binding.deviceMac(), binding.flowId(), binding.source(), binding.transport(), binding.cipher(),
                    flow.isPresent(), flow.map(Flow::lastKeepalive).orElse(null));
        }).toList();
    }

    /** The calls under way. */
    public List<CallSummary> activeCalls() {
        return calls.active().stream().map(SipService::summary).toList();
    }

    /** The latest ended calls, newest first. */
    public List<CallSummary> recentCalls() {
        return calls.recent().stream().map(SipService::summary).toList();
    }

    private static CallSummary summary(CallRecord record) {
        return new CallSummary(record.id(), record.caller(), record.callee(), record.startedAt(),
                record.answeredAt(), record.endedAt(), record.cause() == null ? null : record.cause().code(),
                record.status(), record.media());
    }

    /**
     * Sends {@code NOTIFY} with {@code event} down every live flow of {@code aor}, one request per
     * binding; each answer or failure ({@link PhoneRequests.Unreachable}, a timeout) completes its
     * future. Empty when no binding of the AOR has a live flow.
     */
    public List<CompletableFuture<SIPResponse>> notifyLiveFlows(String aor, String event, Duration timeout) {
        return location.bindings(aor).stream().filter(binding -> location.flow(binding).isPresent())
                .map(binding -> phoneRequests.notify(binding, event, timeout)).toList();
    }

    /** Refused REGISTERs (wrong passwords above all) are reported to {@code listener}, for the audit log. */
    public void onRegisterRefused(Consumer<RegisterRefusal> listener) {
        registrar.onRefusal(refusal -> listener.accept(new RegisterRefusal(refusal.aor(), refusal.source(),
                refusal.failure().code(), refusal.detail())));
    }

    /**
     * Told the AOR of every accepted REGISTER that added or refreshed a binding (a binding kept over a
     * restart is refreshed on the phone's new flow, not added).
     */
    public void onRegistered(Consumer<String> listener) {
        location.subscribe(event -> {
            if (event.kind() == io.hub.sip.location.LocationEvent.Kind.REGISTERED
                    || event.kind() == io.hub.sip.location.LocationEvent.Kind.REFRESHED) {
                listener.accept(event.binding().aor());
            }
        });
    }

    /** Told of every call request the hub refused itself (not a callee's refusal). */
    public void onCallRefused(Consumer<CallRefused> listener) {
        calls.onRefusal(refused -> listener.accept(new CallRefused(refused.who(), refused.source(), refused.method(),
                refused.cause().code(), refused.detail())));
    }

    /** Told of every certificate a REGISTER was accepted with. */
    public void onCertificateAccepted(Consumer<DeviceIdentity> listener) {
        registrar.onCertificateAccepted(listener);
    }

    /** Told of every phone taken off SIP. */
    public void onWithdrawal(Consumer<Withdrawal> listener) {
        access.onWithdrawal(listener);
    }

    /** Runs {@code follower} after each change of the PKI's state has reached the live flows. */
    public void onPkiChange(Runnable follower) {
        access.onPkiChange(follower);
    }

    /**
     * Takes off SIP every registered AOR that is {@code device}'s account or was bound with its
     * certificate; empty when the device is offline.
     */
    public List<Withdrawal> withdrawDevice(MacAddress device, WithdrawReason reason, String detail) {
        return access.withdrawDevice(device, reason, detail);
    }

    /**
     * Another node of the cluster is gone (its heartbeat stopped): its bindings, whose flows died with
     * it, are deleted from the shared store, so no one counts on them; its phones register again on a
     * node that is up.
     *
     * @return how many bindings were deleted
     * @throws StoreUnavailableException when the database does not answer
     */
    public int forgetNode(String node) {
        try {
            return location.forgetNode(node);
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }

    /**
     * Re-checks the accounts registered with the user part {@code user} (an extension, in any domain)
     * and withdraws those whose device is gone, disabled or revoked.
     */
    public List<Withdrawal> recheckUser(String user) {
        return access.recheckUser(user);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        calls.close();
        io.hub.sip.node.NodeLinks links = nodeLinks;
        if (links != null) {
            links.close();
        }
        server.close();
        relay.close();
        location.close();
        LOG.info("sip stopped");
    }
}
