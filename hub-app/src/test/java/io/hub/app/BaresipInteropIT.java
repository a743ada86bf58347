package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.location.Binding;
import io.hub.sip.transport.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * baresip, a real SIP client, registers over TLS with RFC 5626 outbound using the credentials the
 * hub provisioned, and stays registered across keepalive intervals on the same flow.
 */
class BaresipInteropIT {

    private static final int KEEPALIVE_SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void baresipRegistersOverTlsAndKeepsItsFlowAlive() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipKeepaliveSeconds = KEEPALIVE_SECONDS;
        try (Hub hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC())) {
            var enrollment = hub.provisioning().enrollment();
            enrollment.enroll("default", new DeviceDraft("00809faabbcc", "Myriad M7", "1001", "Desk", null, null,
                    null, null), "test", "127.0.0.1");
            String password = enrollment.find("default", MacAddress.parse("00809faabbcc")).sipPassword();
            Baresip baresip = Baresip.register(new Baresip.Account(dir, "baresip",
                    hub.pki().file(HubPki.HUB_CA_CERTIFICATE), hub.sip().tlsPort(), "1001", password), 60);
            try {
                Binding first = awaitBinding(hub, 15);
                Flow flow = hub.sip().location().flow(first).orElseThrow();
                Instant registered = Instant.now();
                // libre schedules its CRLF pings on its own clock (about every 15-20 s here).
                for (int i = 0; i < 400 && flow.lastKeepalive() == null; i++) {
                    Thread.sleep(100);
                }

                List<Binding> later = hub.sip().location().bindings("sip:1001@localhost");
                assertEquals(1, later.size(), Files.readString(dir.resolve("baresip.log")));
                assertEquals(flow.id(), later.get(0).flowId(), "still on its first flow");
                assertTrue(flow.isOpen(), "the flow outlived the keepalive interval");
                assertNotNull(flow.lastKeepalive(), "baresip sent CRLF keepalives");
                assertTrue(flow.lastKeepalive().isAfter(registered));
                assertTrue(first.isOutbound(), "an RFC 5626 flow binding");
            } finally {
                baresip.close();
            }
        }
    }

    private static Binding awaitBinding(Hub hub, int seconds) throws Exception {
        for (int i = 0; i < seconds * 10; i++) {
            List<Binding> bindings = hub.sip().location().bindings("sip:1001@localhost");
            if (!bindings.isEmpty() && bindings.get(0).hasFlow()) {
                return bindings.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("baresip did not register within " + seconds + " s");
    }
}
