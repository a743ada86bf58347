package io.hub.relay.control;

import static io.hub.relay.control.NgMessages.deskSdp;
import static io.hub.relay.control.NgMessages.offer;
import static io.hub.relay.control.NgMessages.awaitQuery;
import static io.hub.relay.control.NgMessages.sdp;
import static io.hub.relay.control.NgMessages.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.relay.FakePhone;
import io.hub.relay.browser.BrowserPeer;
import io.hub.relay.browser.ChromiumClientHello;
import io.hub.relay.browser.ServerHello;
import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SrtpSuite;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A browser whose DTLS speaks 1.3 calls through {@code hub relay}'s ng control, whose DTLS-SRTP legs
 * speak DTLS 1.2 only: a ClientHello that offers DTLS 1.3 and 1.2 gets a DTLS 1.2 ServerHello with
 * use_srtp and no downgrade sentinel (a 1.3 client would abort on one), and the handshake completes;
 * a ClientHello that offers DTLS 1.3 alone is refused with protocol_version, counted, and its call
 * deleted. Chromium's ClientHello is built byte by byte ({@link ChromiumClientHello}); the complete
 * handshake is {@link BrowserPeer}'s Bouncy Castle client with the same DTLS 1.3 extensions added.
 */
class DtlsVersionFallbackTest extends DtlsNgCase {

    DtlsVersionFallbackTest() {
        super(34000, 34999, 0x4E);
    }

    @Test
    void aBrowserOfferingDtls13And12GetsDtls12WithUseSrtpAndItsMediaIsKeyed() throws Exception {
        BrowserPeer browser = browser();
        FakePhone phone = phone();
        SdesKey phoneKey = call("call-1", browser, phone);

        browser.handshakeOfferingDtls13();

        byte[] clientHello = browser.dtlsSent().get(0);
        assertTrue(contains(clientHello, new byte[] {0x00, 0x2B, 0x00, 0x05, 0x04, (byte) 0xFE, (byte) 0xFC,
                (byte) 0xFE, (byte) 0xFD}), "the ClientHello lists DTLS 1.3 then 1.2 in supported_versions");
        ServerHello hello = ServerHello.find(browser.dtlsReceived());
        assertNotNull(hello, "the hub's ServerHello");
        assertEquals(ChromiumClientHello.DTLS_1_2, hello.version());
        assertFalse(hello.extensions().containsKey(43), "a DTLS 1.2 ServerHello has no supported_versions");
        assertFalse(hello.signalsDowngrade(), "no DTLS 1.3 downgrade sentinel: the hub speaks 1.2 only");
        assertArrayEquals(new int[] {0x0001}, hello.srtpProfiles(), "use_srtp: SRTP_AES128_CM_HMAC_SHA1_80");
        awaitQuery(ng, "call-1", q -> "ok".equals(dtls(q).get("outcome")));
        phone.receiveWith(phoneKey);
        phone.sendRtp(1, 160);
        awaitQuery(ng, "call-1", q -> stream(q, "tag-phone").containsKey("endpoint"));
        browser.sendAudio(1);
        byte[] heard = phone.receiveRtp();
        assertNotNull(heard, "the phone heard the browser: the SRTP keys of the DTLS 1.2 handshake are in use");
        assertArrayEquals(BrowserPeer.payload(1), Arrays.copyOfRange(heard, 12, heard.length));
        phone.sendRtp(2, 320);
        assertArrayEquals(FakePhone.plainRtp(phone.ssrc, 2, 320), browser.receiveAudio());
    }

    @Test
    void chromiumsDtls13ClientHelloGetsADtls12ServerHelloWithUseSrtp() throws Exception {
        BrowserPeer browser = browser();
        call("call-2", browser, phone());
        ChromiumClientHello chromium = new ChromiumClientHello(ChromiumClientHello.DTLS_1_3, ChromiumClientHello.DTLS_1_2);

        // No HelloVerifyRequest: the address passed the ICE check, which proves what the cookie would.
        browser.sendRaw(chromium.record(new byte[0], 0), browser.hub());
        ServerHello hello = null;
        for (int i = 0; i < 10 && hello == null; i++) {
            byte[] flight = browser.nextDtls(10);
            assertNotNull(flight, "the hub's ServerHello flight");
            hello = ServerHello.find(List.of(flight));
        }

        assertNotNull(hello);
        assertEquals(ChromiumClientHello.DTLS_1_2, hello.version(), "the hub picks DTLS 1.2 from 1.3 and 1.2");
        assertNull(hello.extensions().get(43));
        assertFalse(hello.signalsDowngrade());
        assertArrayEquals(new int[] {0x0001}, hello.srtpProfiles(), "the one SRTP profile both offer");
    }

    @Test
    void aClientHelloOfferingOnlyDtls13IsRefusedWithProtocolVersionCountedAndTheCallDeleted() throws Exception {
        BrowserPeer browser = browser();
        call("call-3", browser, phone());

        browser.sendRaw(new ChromiumClientHello(ChromiumClientHello.DTLS_1_3).record(new byte[0], 0), browser.hub());

        byte[] alert = browser.nextDtls(10);
        assertNotNull(alert, "the hub answers with an alert");
        assertEquals(21, alert[0], "an alert record");
        assertArrayEquals(new byte[] {2, 70}, Arrays.copyOfRange(alert, 13, 15), "fatal protocol_version");
        Map<?, ?> gone = awaitQuery(ng, "call-3", q -> "error".equals(q.get("result")));
        assertEquals("Unknown call-id", gone.get("error-reason"), "the call was deleted");
        assertEquals(1.0, registry.get("hub.relay.dtls.handshakes").tag("outcome", "unsupported_version").counter()
                .count());
    }

    /** A browser's call to a desk phone answered over ng, the browser's ICE check done; the phone's hub key. */
    private SdesKey call(String callId, BrowserPeer browser, FakePhone phone) throws Exception {
        var toPhone = sdp(ng.request(offer(callId, "tag-browser", browser.offer())));
        browser.read(sdp(ng.request(NgMessages.answer(offer(callId, "tag-browser", deskSdp(phone, null)),
                "tag-phone"))).encode());
        browser.checkConnectivity();
        phone.sendTo(toPhone.media().get(0).port());
        String inline = toPhone.media().get(0).attributes("crypto").get(0).split(" ")[2];
        return SdesKey.parse(SrtpSuite.AES_CM_128_HMAC_SHA1_80, inline);
    }

    private static boolean contains(byte[] data, byte[] part) {
        for (int i = 0; i + part.length <= data.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(data, i, i + part.length), part)) {
                return true;
            }
        }
        return false;
    }


    private static Map<?, ?> dtls(Map<?, ?> query) {
        Map<?, ?> dtls = (Map<?, ?>) stream(query, "tag-browser").get("dtls");
        return dtls == null ? Map.of() : dtls;
    }

}
