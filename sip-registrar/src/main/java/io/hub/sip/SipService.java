package io.hub.sip;

import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.sip.access.SipAccess;
import io.hub.sip.call.CallRecords;
import io.hub.sip.call.CallRouter;
import io.hub.sip.call.CallSettings;
import io.hub.sip.location.BindingStore;
import io.hub.relay.MediaRelay;
import io.hub.relay.RelayConfig;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.Registrar;
import io.hub.sip.registrar.RegistrarSettings;
import io.hub.sip.transport.SipServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP side of the hub, started and stopped as one: the listeners, the registrar, the location
 * store and the timer that expires bindings.
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
     * How calls are made: the relay's ports, the call timers and where ended calls are kept.
     */
    public record Calls(RelayConfig relay, CallSettings settings, CallRecords records) {
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

    private SipService(SipServer server, LocationService location, Registrar registrar, PhoneRequests phoneRequests,
            ScheduledExecutorService ticker, int tlsPort, Integer plainPort, MediaRelay relay, CallRouter calls,
            SipAccess access) {
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
        LocationService location = new LocationService(store, clock);
        Registrar registrar = new Registrar(credentials, new DigestAuthenticator(clock), location, settings, clock,
                metrics, standing.revokedDevice());
        PhoneRequests phoneRequests = new PhoneRequests(location);
        CallRouter[] router = new CallRouter[1];
        MediaRelay relay = new MediaRelay(callSetup.relay().withDeadStreamTimeout(callSetup.settings().mediaTimeout()),
                clock, metrics, dead -> router[0].deadStream(dead));
        router[0] = new CallRouter(location, credentials, relay, callSetup.settings(), callSetup.records(), clock,
                metrics);
        CallRouter calls = router[0];
        SipAccess access = new SipAccess(location, calls, credentials, standing.revokedDevice(), standing.pkiState(),
                clock);
        SipServer server = new SipServer(new SipEdge(registrar, location, phoneRequests, calls), validator, clock,
                limits, metrics);
        metrics.gauge("hub.sip.bindings", location, l -> l.all().size());
        metrics.gauge("hub.sip.flows", location, LocationService::flowCount);
        // Their ratio is how many binding changes one commit carries (group commit).
        metrics.gauge("hub.sip.binding.commits", location, l -> l.commits().transactions());
        metrics.gauge("hub.sip.binding.changes", location, l -> l.commits().changes());
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
                    access);
        } catch (IOException | RuntimeException e) {
            server.close();
            calls.close();
            relay.close();
            ticker.shutdownNow();
            location.close();
            throw e;
        }
    }

    public int tlsPort() {
        return tlsPort;
    }

    public Integer plainPort() {
        return plainPort;
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

    @Override
    public void close() {
        ticker.shutdownNow();
        calls.close();
        server.close();
        relay.close();
        location.close();
        LOG.info("sip stopped");
    }
}
