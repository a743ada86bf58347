package io.hub.relay.control;

import static io.hub.relay.FakePhone.LOOPBACK;

import io.hub.pki.MutableClock;
import io.hub.relay.FakePhone;
import io.hub.relay.NgRelay;
import io.hub.relay.RelayConfig;
import io.hub.relay.browser.BrowserPeer;
import io.hub.relay.dtls.DtlsSrtpLegs;
import io.hub.relay.dtls.HubCertificate;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the ng DTLS tests stand on: {@code hub relay}'s ng control with DTLS-SRTP legs on loopback,
 * started before each test on the case's own port range, and browsers and desk phones that are
 * closed after it.
 */
abstract class DtlsNgCase {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final int firstPort;
    private final int lastPort;
    private final int phoneSsrc;
    private DtlsSrtpLegs dtlsLegs;
    NgRelay relay;
    NgClient ng;

    /** Relay ports from {@code firstPort} to {@code lastPort}, apart from other cases that may run beside it. */
    DtlsNgCase(int firstPort, int lastPort, int phoneSsrc) {
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        this.phoneSsrc = phoneSsrc;
    }

    @BeforeEach
    void startRelay() throws Exception {
        dtlsLegs = new DtlsSrtpLegs(HubCertificate.generate(clock), clock, registry, 4);
        relay = new NgRelay(new RelayConfig(LOOPBACK, firstPort, lastPort, Duration.ofSeconds(60), 8000),
                new InetSocketAddress(LOOPBACK, 0), "127.0.0.1", clock, registry, dtlsLegs);
        relay.start();
        ng = new NgClient(relay.controlAddress(), Duration.ofSeconds(5), 1);
    }

    @AfterEach
    void stopRelay() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        ng.close();
        relay.close();
        dtlsLegs.close();
    }

    /** A browser of its own DTLS, STUN and SRTP, closed after the test. */
    BrowserPeer browser() throws Exception {
        BrowserPeer browser = BrowserPeer.start();
        closing.add(browser);
        return browser;
    }

    /** A desk phone with a fresh SDES key, closed after the test. */
    FakePhone phone() throws Exception {
        FakePhone phone = new FakePhone(phoneSsrc, SdesKey.generate(SrtpSuite.AES_CM_128_HMAC_SHA1_80), null);
        closing.add(phone);
        return phone;
    }
}
