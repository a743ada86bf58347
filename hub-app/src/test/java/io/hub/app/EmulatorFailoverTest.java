package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.phone.Phone;
import io.hub.phone.SipAccount;
import io.hub.phone.SipUserAgent;
import io.hub.pki.MutableClock;
import io.hub.provisioning.devices.DeviceDraft;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phone whose configuration names two entry points of its region registers on the first, and
 * when that one goes away (its connection and its port, as a killed node's do) registers again on
 * the second by itself, as desk phones with a "server 2" do. The first entry point is a forwarder to
 * the hub's SIP-TLS port, the second the port itself, so one hub plays both nodes.
 */
class EmulatorFailoverTest {

    private static final String MAC = "00809f000001";
    private static final String AOR = "sip:1001@localhost";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final BlockingQueue<SipAccount.EntryPoint> registeredAt = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> lost = new LinkedBlockingQueue<>();
    private Hub hub;
    private TcpForwarder firstNode;
    private EmulatedPhone emulated;

    @BeforeEach
    void start() throws Exception {
        hub = Hub.start(new HubHome(dir.resolve("var")), TestSettings.ephemeralPorts().validate(), clock);
        firstNode = new TcpForwarder(new InetSocketAddress(InetAddress.getLoopbackAddress(), hub.sip().tlsPort()));
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(MAC, "Myriad M7", "1001", "Desk", "Paris",
                null, null, null), "test", "127.0.0.1");
        AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
        assertEquals(200, admin.send("PUT", "/admin/v1/sites/Paris", "{\"settings\": {\"sip.registrar.port\": \""
                + firstNode.port() + "\", \"sip.registrar.fallback.host\": \"localhost\", "
                + "\"sip.registrar.fallback.port\": \"" + hub.sip().tlsPort() + "\"}}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (emulated != null) {
            emulated.close();
        }
        firstNode.close();
        hub.close();
    }

    @Test
    void aPhoneRegistersOnTheFallbackWhenItsNodeGoesAwayAndBackOnTheFirstWhenItIsAllThereIs() throws Exception {
        emulated = EmulatedPhone.booted(hub, MAC, clock, listener());
        Phone phone = emulated.phone();
        assertEquals(firstNode.port(), registeredAt.poll(10, TimeUnit.SECONDS).address().getPort(),
                "the registrar first");
        assertEquals(hub.sip().tlsPort(), phone.config().fallback().orElseThrow().port());

        firstNode.close();

        assertTrue(lost.poll(30, TimeUnit.SECONDS) != null, "the phone saw its flow end");
        SipAccount.EntryPoint second = registrationAwayFrom(firstNode.port());
        assertNotNull(second, "a registration away from the first node within 60 s");
        assertEquals(hub.sip().tlsPort(), second.address().getPort(), "then the fallback, after the first refused");
        assertEquals("localhost", second.serverName());
        assertTrue(phone.agent().isRegistered());
        assertEquals(1, hub.sip().location().bindings(AOR).size(), "one binding: the new flow's replaced the old");
    }

    @Test
    void aPhoneWhoseRegistrarIsDownAtBootRegistersOnTheFallback() throws Exception {
        firstNode.close();

        emulated = EmulatedPhone.booted(hub, MAC, clock, listener());

        assertEquals(hub.sip().tlsPort(), registeredAt.poll(10, TimeUnit.SECONDS).address().getPort());
        assertEquals(1, hub.sip().location().bindings(AOR).size());
    }

    /**
     * The next registration not made through {@code port}. The site change of the set-up sends the
     * phone a check-sync once it registers, and it may register again through the first node before
     * that node goes away; no registration can go through a closed node afterwards.
     */
    private SipAccount.EntryPoint registrationAwayFrom(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < 100; i++) {
            SipAccount.EntryPoint next = registeredAt.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null || next.address().getPort() != port) {
                return next;
            }
        }
        return null;
    }

    private Phone.Listener listener() {
        return new Phone.Listener() {
            @Override
            public void registered(SipUserAgent agent, SipUserAgent.Registration registration) {
                registeredAt.add(agent.entryPoint());
            }

            @Override
            public void flowLost(SipUserAgent agent, String why) {
                lost.add(why);
            }
        };
    }
}
