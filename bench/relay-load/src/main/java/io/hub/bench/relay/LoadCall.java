package io.hub.bench.relay;

import io.hub.phone.sdp.AudioStream;
import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.relay.control.NgClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One call set up through ng exactly as a SIP proxy would: caller A's offer (G.711, SRTP
 * AES_CM_128_HMAC_SHA1_80 with A's key), then callee B's answer picking a crypto line of the offer
 * the relay rewrote. The messages are the same for the hub and for rtpengine; the mode comes from
 * them:
 * <ul>
 *   <li>passthrough: the offer asks {@code SDES: nonew} (the hub's switch; rtpengine 10.5 does not
 *       know it and logs it, and passes SRTP through anyway when B picks A's own line), and B picks
 *       the first AES_CM_128_HMAC_SHA1_80 line, which carries A's key;</li>
 *   <li>termination: B picks the AES_CM_128_HMAC_SHA1_32 line, a key the relay made. rtpengine
 *       re-keys a leg only when the answer's suite differs from the offerer's (with the same suite it
 *       hands A's key on, whatever flags say), so both relays get this: A's leg _80 and B's _32, each
 *       decrypted and encrypted again with the relay's keys.</li>
 * </ul>
 * The keys each phone ends up with are checked against the mode, so a relay that quietly did the
 * other mode fails the run instead of skewing it.
 */
final class LoadCall<P extends LoadCall.Party<P>> {

    /**
     * What setting a call up needs of one of its phones, whether the phone is a socket of this process
     * ({@link Phone}) or of the native packet pump ({@link PumpedPhone}).
     */
    interface Party<P> {
        int ssrc();

        MasterKey ownKey();

        int port();

        InetSocketAddress address();

        /** Where to send, the key to decrypt what arrives with, and whose stream that is. */
        void connect(InetSocketAddress relayPort, MasterKey receiveKey, P sender) throws IOException;
    }

    /** Makes the phones of calls. */
    interface Parties<P> {
        P make(int ssrc, CryptoSuite suite) throws IOException;
    }

    static final String S80 = CryptoSuite.AES_CM_128_HMAC_SHA1_80.name();
    static final String S32 = CryptoSuite.AES_CM_128_HMAC_SHA1_32.name();

    final String callId;
    final P a;
    final P b;

    private final boolean passthrough;
    private final NgCallRequests requests;

    /** Makes both phones; B's key is of the suite it will pick. */
    LoadCall(String callId, Parties<P> parties, int ssrc, boolean passthrough) throws IOException {
        this.callId = callId;
        this.passthrough = passthrough;
        this.requests = new NgCallRequests(callId, "off");
        this.a = parties.make(ssrc, CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        this.b = parties.make(ssrc + 1,
                passthrough ? CryptoSuite.AES_CM_128_HMAC_SHA1_80 : CryptoSuite.AES_CM_128_HMAC_SHA1_32);
    }

    void setUp(NgClient ng) throws IOException {
        Map<String, Object> offer = requests.offer(sdp(a, CryptoLine.of(1, a.ownKey()).format()));
        if (passthrough) {
            offer.put("SDES", List.of("nonew"));
        }
        RelaySide toB = relaySide(ng.request(offer), "offer");
        CryptoLine chosen = requests.line(toB.medium, passthrough ? S80 : S32);
        MasterKey bReceives = requests.key(chosen);

        RelaySide toA = relaySide(ng.request(requests.answer(sdp(b, CryptoLine.of(chosen.tag(), b.ownKey()).format()))),
                "answer");
        MasterKey aReceives = requests.key(requests.line(toA.medium, S80));

        if (passthrough != bReceives.equals(a.ownKey())) {
            throw new IOException("call " + callId + ": the relay did not " + (passthrough ? "pass A's key on"
                    : "give B a key of its own"));
        }
        a.connect(toA.port, aReceives, b);
        b.connect(toB.port, bReceives, a);
    }

    /** No relay: the phones send to each other, to measure what the generator and loopback take alone. */
    void connectDirectly() throws IOException {
        a.connect(b.address(), b.ownKey(), b);
        b.connect(a.address(), a.ownKey(), a);
    }

    void delete(NgClient ng) throws IOException {
        requests.delete(ng);
    }

    /** A desk phone's SDES audio SDP: G.711 µ-law over RTP/SAVP with one crypto line. */
    static String sdp(Party<?> phone, String crypto) {
        String address = phone.address().getAddress().getHostAddress();
        return "v=0\r\no=- " + phone.ssrc() + " 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address
                + "\r\nt=0 0\r\n"
                + "m=audio " + phone.port() + " RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"
                + "a=crypto:" + crypto + "\r\n";
    }

    /** The relay's address and port a phone is to send to, and the audio stream with its crypto lines. */
    private record RelaySide(InetSocketAddress port, AudioStream medium) {
    }

    private RelaySide relaySide(Map<?, ?> reply, String what) throws IOException {
        AudioStream medium = requests.audioOf(reply, what);
        return new RelaySide(NgCallRequests.addressOf(medium), medium);
    }
}
