package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.app.node.NodeInit;
import io.hub.pki.HubPki;
import io.hub.pki.KeyType;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import io.hub.sip.node.FlowToken;
import io.hub.testing.TestPostgres;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL, phone X (1001) registered on node A and phone Y (1002) on node B: Y's
 * call to X goes from B's B2BUA over SIP-TLS to A, which sends it down X's own flow; B's relay carries
 * the media. Refused: a peer whose certificate the hub CA did not issue, a flow token naming no flow
 * of A's, and a call to X once node A is down.
 */
class CallsAcrossNodesOnPostgresTest {

    @TempDir
    Path dir;
    private Hub a;
    private Hub b;
    private HubHome homeA;
    private CallPhone x;
    private CallPhone y;
    private X509Certificate hubCa;

    @BeforeEach
    void twoNodesAPhoneOnEach() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        homeA = new HubHome(dir.resolve("a"));
        HubHome homeB = new HubHome(dir.resolve("b"));
        a = Hub.start(homeA, settings(url, "node-a"), Clock.systemUTC());
        NodeInit.copy(homeA, homeB);
        b = Hub.start(homeB, settings(url, "node-b"), Clock.systemUTC());
        hubCa = PemFiles.readCertificate(a.pki().file(HubPki.HUB_CA_CERTIFICATE));
        x = new CallPhone("1001", SipTestClient.tls(a.sip().tlsPort(), hubCa, null, null));
        x.register(enroll("00809f000001", "1001"));
        y = new CallPhone("1002", SipTestClient.tls(b.sip().tlsPort(), hubCa, null, null));
        y.register(enroll("00809f000002", "1002"));
        a.heartbeat().beat();
        b.heartbeat().beat();
    }

    @AfterEach
    void stop() throws Exception {
        x.close();
        y.close();
        b.close();
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aPhoneOnNodeBCallsAPhoneOnNodeAWhichRingsAnswersHearsAndHangsUp() throws Exception {
        CallPhone.Established call = CallPhone.call(y, x);

        assertEquals(1, a.sip().relayedDialogs(), "node A relays the call's dialog");
        assertEquals(1, b.sip().activeCalls().size(), "node B's B2BUA holds the call");
        assertTrue(a.sip().activeCalls().isEmpty(), "node A runs no call of its own for it");
        assertMediaBothWays(y, x);

        y.send(y.request("BYE", "sip:hub@127.0.0.1", call.callId(), "tag-1002", call.hubTag(), "<sip:1001@hub.test>",
                50, null));
        SIPRequest bye = x.expectRequest("BYE");
        x.answer(bye, 200, null, null);
        y.expectResponse(200, "BYE");
        handledSoFar(x);
        assertEquals(0, a.sip().relayedDialogs(), "node A forgot the dialog once the BYE was answered");
    }

    @Test
    void afterNodeBsCertificateIsRenewedItsNextCallReachesNodeAWithTheNewCertificate() throws Exception {
        X509Certificate before = PemFiles.readCertificate(b.pki().file(HubPki.SERVER_CERTIFICATE));
        CallPhone.Established first = CallPhone.call(y, x);
        assertEquals(java.util.Set.of(before.getSerialNumber()), a.sip().relayedPeerSerials(),
                "node A saw node B's certificate on the link");
        hangUp(first);

        X509Certificate renewed = b.pki().renewServerCertificate(List.of("node-c"));
        assertTrue(b.followServerCertificate(), "node B reloads the renewed certificate");
        assertEquals(1, b.sip().retiredNodeLinks(), "the link opened with the old certificate is retired");

        CallPhone.Established second = CallPhone.call(y, x);
        assertEquals(java.util.Set.of(renewed.getSerialNumber()), a.sip().relayedPeerSerials(),
                "the new call came over a new link presenting the renewed certificate");
        hangUp(second);
    }

    private void hangUp(CallPhone.Established call) throws Exception {
        y.send(y.request("BYE", "sip:hub@127.0.0.1", call.callId(), "tag-1002", call.hubTag(), "<sip:1001@hub.test>",
                50, null));
        x.answer(x.expectRequest("BYE"), 200, null, null);
        y.expectResponse(200, "BYE");
        handledSoFar(x);
    }

    @Test
    void theCalleeOnNodeAHangsUpAndTheCallerOnNodeBHearsTheBye() throws Exception {
        CallPhone.Established call = CallPhone.call(y, x);
        SIPRequest invite = call.calleeInvite();

        x.send(x.request("BYE", invite.getContactHeader().getAddress().getURI().toString(),
                invite.getCallId().getCallId(), "callee-tag", invite.getFromHeader().getTag(),
                invite.getFromHeader().getAddress().toString(), 1, null));
        SIPRequest bye = y.expectRequest("BYE");
        y.answer(bye, 200, null, null);
        x.expectResponse(200, "BYE");
        assertEquals(0, a.sip().relayedDialogs());
    }

    @Test
    void aCallCancelledWhileThePhoneOnNodeARingsEndsOnBothPhones() throws Exception {
        String callId = UUID.randomUUID().toString();
        String inviteText = y.invite("1001", callId, y.sdp());
        y.send(inviteText);
        y.expectResponse(100, "INVITE");
        SIPRequest invite = x.expectRequest("INVITE");
        x.answer(invite, 180, "callee-tag", null);
        y.expectResponse(180, "INVITE");

        String branch = inviteText.replaceFirst("(?s).*?branch=([^;\\r\\n]+).*", "$1");
        y.send(y.request("CANCEL", "sip:1001@hub.test", callId, "tag-1002", null, "<sip:1001@hub.test>", 11, null)
                .replaceFirst("branch=[^;\\r\\n]+", "branch=" + branch));
        y.expectResponse(200, "CANCEL");
        SIPRequest cancel = x.expectRequest("CANCEL");
        x.answer(cancel, 200, null, null);
        x.answer(invite, 487, "callee-tag", null);
        x.expectRequest("ACK");
        y.expectResponse(487, "INVITE");
        assertEquals(0, a.sip().relayedDialogs(), "node A forgot the dialog once the failure was acknowledged");
    }

    @Test
    void aPeerWhoseCertificateAnotherCaIssuedIsAPhoneToNodeANotANode() throws Exception {
        HubPki stranger = HubPki.at(dir.resolve("stranger-pki"), Clock.systemUTC());
        stranger.init(KeyType.EC_P256, List.of("localhost"));
        try (SipTestClient peer = SipTestClient.tls(a.sip().tlsPort(), hubCa,
                PemFiles.readCertificates(stranger.file(HubPki.SERVER_CERTIFICATE)).get(0),
                PemFiles.readPrivateKey(stranger.file(HubPki.SERVER_KEY)))) {
            peer.write(nodeInvite(new FlowToken("sip:1001@hub.test", x.contact().replaceFirst("^<([^>]*)>.*$", "$1"))
                    .encode()));

            SIPResponse refused = (SIPResponse) peer.readMessage();
            assertEquals(403, refused.getStatusCode(), "refused as an unregistered phone: " + refused);
            assertEquals(0, a.sip().relayedDialogs(), "nothing was relayed to X");
        }
    }

    @Test
    void aFlowTokenNamingNoFlowOfNodeAIsNotFound() throws Exception {
        X509Certificate node = PemFiles.readCertificates(homeA.root().resolve("pki").resolve(HubPki.SERVER_CERTIFICATE))
                .get(0);
        PrivateKey key = PemFiles.readPrivateKey(homeA.root().resolve("pki").resolve(HubPki.SERVER_KEY));
        try (SipTestClient peer = SipTestClient.tls(a.sip().tlsPort(), hubCa, node, key)) {
            peer.write(nodeInvite(new FlowToken("sip:1001@hub.test", "sip:1001@10.9.9.9;transport=tls").encode()));
            assertEquals(404, ((SIPResponse) peer.readMessage()).getStatusCode(), "a contact X never registered");

            peer.write(nodeInvite("not-a-token"));
            assertEquals(404, ((SIPResponse) peer.readMessage()).getStatusCode(), "no token at all");
            assertEquals(0, a.sip().relayedDialogs());
        }
    }

    @Test
    void aCallToAPhoneOfANodeThatIsDownIsTemporarilyUnavailable() throws Exception {
        a.close();
        a = null;

        y.send(y.invite("1001", UUID.randomUUID().toString(), y.sdp()));

        assertEquals(480, y.expectFinal("INVITE").getStatusCode());
    }

    /**
     * Returns once node A handled everything {@code phone} sent so far: a flow's messages are handled
     * in order, so A's answer to an OPTIONS sent now comes after them.
     */
    private static void handledSoFar(CallPhone phone) throws Exception {
        phone.send(phone.request("OPTIONS", "sip:hub.test", UUID.randomUUID().toString(), "o1", null,
                "<sip:hub.test>", 1, null));
        phone.expectResponse(200, "OPTIONS");
    }

    /** An INVITE as a node sends it, its Route naming the flow by {@code token}. */
    private String nodeInvite(String token) {
        String callId = UUID.randomUUID().toString();
        String sdp = y.sdp();
        return "INVITE sip:1001@10.0.0.1:5061;transport=tls SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                + "Route: <sip:" + token + "@127.0.0.1:" + a.sip().tlsPort() + ";transport=tls;lr>\r\n"
                + "Max-Forwards: 69\r\n"
                + "From: <sip:1002@hub.test>;tag=n1\r\n"
                + "To: <sip:1001@hub.test>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:hub@127.0.0.1:40000;transport=tls>\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private String enroll(String mac, String extension) {
        a.provisioning().enrollment().enroll("default", new DeviceDraft(mac, "Myriad M7", extension, "Desk", null,
                null, null, null), "test", "127.0.0.1");
        return a.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword();
    }

    private static void assertMediaBothWays(CallPhone caller, CallPhone callee) throws Exception {
        CallPhone.Heard heard = CallPhone.exchangeMedia(caller, callee);
        assertTrue(heard.byCaller(), "the caller on node B heard the callee on node A");
        assertTrue(heard.byCallee(), "the callee on node A heard the caller on node B");
    }

    private static HubSettings settings(String url, String node) {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        settings.databaseUrl = url;
        settings.nodeName = node;
        return settings.validate();
    }
}
