package io.hub.sip;

import io.hub.pki.HubPki;
import io.hub.pki.ServerTls;
import io.hub.sip.call.CallSettings;
import io.hub.sip.call.JdbcCallRecords;
import io.hub.sip.location.BindingStore;
import io.hub.sip.location.JdbcBindingStore;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.RegistrarSettings;
import io.hub.sip.transport.SipServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A SIP service as the tests start it: TLS on a free loopback port with the PKI's server
 * certificate, the PKI's device validator, and call records in an H2 file under the test's directory;
 * each setting a test cares about is changed by name, the rest stay standard. Defaults: every user
 * of every domain has password {@code secret}, no binding store, the system clock.
 */
public final class TestSip {

    private final HubPki pki;
    private final Path home;
    private CredentialSource credentials = everyUser("secret");
    private BindingStore bindings = BindingStore.NONE;
    private RegistrarSettings settings = RegistrarSettings.standard();
    private SipServer.Limits limits = SipServer.Limits.standard();
    private Clock clock = Clock.systemUTC();
    private MeterRegistry metrics = new SimpleMeterRegistry();
    private SipService.Calls calls;
    private SipService.Standing standing = SipService.Standing.none();
    private HubPki judge;
    private Integer plainPort;

    private TestSip(HubPki pki, Path home) {
        this.pki = pki;
        this.home = home;
    }

    /** A service with {@code pki}'s server certificate and validator, its files under {@code home}. */
    public static TestSip with(HubPki pki, Path home) {
        return new TestSip(pki, home);
    }

    /** Accounts for every user of every domain, enabled, not tied to a device, all with {@code password}. */
    public static CredentialSource everyUser(String password) {
        return (user, domain) -> Optional.of(DigestAuthenticator.credentials(user, domain, password, Optional.empty(),
                true));
    }

    public TestSip credentials(CredentialSource source) {
        this.credentials = source;
        return this;
    }

    public TestSip settings(RegistrarSettings registrar) {
        this.settings = registrar;
        return this;
    }

    public TestSip limits(SipServer.Limits serverLimits) {
        this.limits = serverLimits;
        return this;
    }

    public TestSip clock(Clock time) {
        this.clock = time;
        return this;
    }

    public TestSip metrics(MeterRegistry registry) {
        this.metrics = registry;
        return this;
    }

    public TestSip bindings(BindingStore store) {
        this.bindings = store;
        return this;
    }

    /** Calls set up as {@code setup} says (its relay, timers, records, DTLS legs). */
    public TestSip calls(SipService.Calls setup) {
        this.calls = setup;
        return this;
    }

    /** Binding and call records both in {@code database}, as the hub keeps them. */
    public TestSip storedIn(DataSource database) {
        this.bindings = new JdbcBindingStore(database);
        this.calls = new SipService.Calls(TestCalls.relay(), CallSettings.standard(), new JdbcCallRecords(database));
        return this;
    }

    /** Devices judged by {@code other}'s validator (and its clock), with {@code revocations}. */
    public TestSip judgedBy(HubPki other, SipService.Standing revocations) {
        this.judge = other;
        this.standing = revocations;
        return this;
    }

    /** Plain SIP (TCP and UDP) on a free port beside TLS. */
    public TestSip plainToo() {
        this.plainPort = 0;
        return this;
    }

    public SipService start() throws IOException {
        return SipService.start(new SipService.Listen(InetAddress.getLoopbackAddress(), 0, plainPort,
                // The hub's standard TLS provider (netty-tcnative here); SipServerTest keeps the JDK's.
                ServerTls.context(pki.file(HubPki.SERVER_CERTIFICATE), pki.file(HubPki.SERVER_KEY), true,
                        io.hub.pki.TlsProvider.standard())),
                (judge == null ? pki : judge).validator(), credentials, bindings, settings, limits, clock, metrics,
                calls == null ? TestCalls.setup(home) : calls, standing);
    }
}
