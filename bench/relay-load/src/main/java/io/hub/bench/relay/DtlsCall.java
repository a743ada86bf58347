package io.hub.bench.relay;

import io.hub.bench.relay.dtls.DtlsHandshake;
import io.hub.bench.relay.dtls.DtlsIdentity;
import io.hub.bench.relay.dtls.RelayCertificateCheck;
import io.hub.phone.sdp.AudioStream;
import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.webrtc.BrowserDtlsClient;
import io.hub.relay.control.NgClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One browser-to-desk-phone call bridged by the relay, set up through ng as Kamailio's rtpengine module
 * does for WebRTC: caller A (the browser) offers {@code UDP/TLS/RTP/SAVPF} with its certificate's
 * fingerprint and {@code a=setup:actpass}, no ICE; the relay is asked for {@code RTP/SAVP} toward
 * callee B (the desk phone), which answers with an SDES key for the relay's AES_CM_128_HMAC_SHA1_80
 * line. The relay's answer to A must take {@code a=setup:passive} (rtpengine is started with
 * {@code --dtls-passive} and asked {@code DTLS=passive}; the hub answers passive by itself), so A runs
 * the DTLS handshake as client and sends and receives SRTP with the exported keys, while B speaks
 * SDES: every packet is decrypted and encrypted again by the relay, one leg DTLS-SRTP, the other SDES.
 */
final class DtlsCall {

    static final String PROFILE = "UDP/TLS/RTP/SAVPF";

    final String callId;
    final Phone a;
    final Phone b;

    private final DtlsIdentity identity;
    private final NgCallRequests requests;
    private InetSocketAddress relayForA;
    private RelayCertificateCheck relayCertificate;
    private InetSocketAddress relayForB;
    private MasterKey bReceives;

    DtlsCall(String callId, InetAddress address, int ssrc, DtlsIdentity identity) throws IOException {
        this.callId = callId;
        this.identity = identity;
        this.requests = new NgCallRequests(callId, "passive");
        this.a = new Phone(address, ssrc, CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        this.b = new Phone(address, ssrc + 1, CryptoSuite.AES_CM_128_HMAC_SHA1_80);
    }

    /** The offer and the answer through ng: where each phone sends, B's key, the relay's fingerprint. */
    void negotiate(NgClient ng) throws IOException {
        Map<String, Object> offer = requests.offer(browserOffer());
        offer.put("transport-protocol", "RTP/SAVP");
        AudioStream toB = requests.audioOf(ng.request(offer), "offer");
        CryptoLine chosen = requests.line(toB, LoadCall.S80);
        bReceives = requests.key(chosen);
        relayForB = NgCallRequests.addressOf(toB);

        Map<?, ?> reply = ng.request(requests.answer(LoadCall.sdp(b, CryptoLine.of(chosen.tag(), b.ownKey).format())));
        RelayAnswer toA = RelayAnswer.read(callId, requests.sdpOf(reply, "answer"));
        relayForA = toA.media();
        relayCertificate = toA.certificate();
    }

    /** The relay port A's DTLS and SRTP go to, known once {@link #negotiate} returned. */
    InetSocketAddress relayForA() {
        return relayForA;
    }

    /** A's DTLS handshake with the relay port it was given; A then sends with the exported key. */
    void handshake() throws IOException {
        BrowserDtlsClient.SrtpKeys keys = DtlsHandshake.run(a.channel.socket(), relayForA, identity, relayCertificate);
        a.sendWith(keys.sending());
        a.connect(relayForA, keys.receiving(), b);
        b.connect(relayForB, bReceives, a);
    }

    void delete(NgClient ng) throws IOException {
        requests.delete(ng);
    }

    /** A WebRTC-like audio offer without ICE: G.711 µ-law, rtcp-mux, the fingerprint, actpass. */
    String browserOffer() {
        return "v=0\r\no=- " + a.ssrc + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + a.port() + " " + PROFILE + " 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"
                + "a=sendrecv\r\na=rtcp-mux\r\na=fingerprint:" + identity.fingerprint() + "\r\na=setup:actpass\r\n";
    }
}
