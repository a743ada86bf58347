package io.hub.bench.relay;

import io.hub.phone.sdp.AudioStream;
import io.hub.phone.sdp.SdpException;
import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SdesException;
import io.hub.relay.control.NgClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
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
final class LoadCall {

    static final String S80 = CryptoSuite.AES_CM_128_HMAC_SHA1_80.name();
    static final String S32 = CryptoSuite.AES_CM_128_HMAC_SHA1_32.name();

    final String callId;
    final Phone a;
    final Phone b;

    private final boolean passthrough;

    /** Opens both phones' sockets; B's key is of the suite it will pick. */
    LoadCall(String callId, InetAddress address, int ssrc, boolean passthrough) throws IOException {
        this.callId = callId;
        this.passthrough = passthrough;
        this.a = new Phone(address, ssrc, CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        this.b = new Phone(address, ssrc + 1,
                passthrough ? CryptoSuite.AES_CM_128_HMAC_SHA1_80 : CryptoSuite.AES_CM_128_HMAC_SHA1_32);
    }

    void setUp(NgClient ng) throws IOException {
        Map<String, Object> offer = request("offer", sdp(a, CryptoLine.of(1, a.ownKey).format()));
        if (passthrough) {
            offer.put("SDES", List.of("nonew"));
        }
        RelaySide toB = relaySide(ng.request(offer), "offer");
        CryptoLine chosen = line(toB.medium, passthrough ? S80 : S32);
        MasterKey bReceives = key(chosen);

        Map<String, Object> answer = request("answer", sdp(b, CryptoLine.of(chosen.tag(), b.ownKey).format()));
        answer.put("to-tag", callId + "-b");
        RelaySide toA = relaySide(ng.request(answer), "answer");
        MasterKey aReceives = key(line(toA.medium, S80));

        if (passthrough != bReceives.equals(a.ownKey)) {
            throw new IOException("call " + callId + ": the relay did not " + (passthrough ? "pass A's key on"
                    : "give B a key of its own"));
        }
        a.connect(toA.port, aReceives, b);
        b.connect(toB.port, bReceives, a);
    }

    /** No relay: the phones send to each other, to measure what the generator and loopback take alone. */
    void connectDirectly() throws IOException {
        a.connect(b.address(), b.ownKey, b);
        b.connect(a.address(), a.ownKey, a);
    }

    void delete(NgClient ng) throws IOException {
        Map<String, Object> delete = new HashMap<>();
        delete.put("command", "delete");
        delete.put("call-id", callId);
        delete.put("from-tag", callId + "-a");
        ng.request(delete);
    }

    private Map<String, Object> request(String command, String sdp) {
        Map<String, Object> request = new HashMap<>();
        request.put("command", command);
        request.put("call-id", callId);
        request.put("from-tag", callId + "-a");
        request.put("sdp", sdp);
        request.put("ICE", "remove");
        request.put("DTLS", "off");
        request.put("replace", List.of("origin", "session-connection"));
        return request;
    }

    private static String sdp(Phone phone, String crypto) {
        return "v=0\r\no=- " + phone.ssrc + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + phone.port() + " RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"
                + "a=crypto:" + crypto + "\r\n";
    }

    /** The relay's address and port a phone is to send to, and the audio stream with its crypto lines. */
    private record RelaySide(InetSocketAddress port, AudioStream medium) {
    }

    private RelaySide relaySide(Map<?, ?> reply, String what) throws IOException {
        if (!"ok".equals(reply.get("result")) || !(reply.get("sdp") instanceof String text)) {
            throw new IOException("call " + callId + ": the " + what + " was refused: " + reply.get("error-reason"));
        }
        try {
            AudioStream medium = AudioStream.read(text);
            return new RelaySide(new InetSocketAddress(InetAddress.getByName(medium.address()), medium.port()), medium);
        } catch (SdpException e) {
            throw new IOException("call " + callId + ": the relay's " + what + " SDP does not parse: " + e.getMessage());
        }
    }

    private CryptoLine line(AudioStream medium, String suite) throws IOException {
        for (CryptoLine crypto : medium.cryptos()) {
            if (crypto.suite().equals(suite)) {
                return crypto;
            }
        }
        throw new IOException("call " + callId + ": no " + suite + " line in "
                + medium.cryptos().stream().map(CryptoLine::format).toList());
    }

    private MasterKey key(CryptoLine crypto) throws IOException {
        try {
            return crypto.key();
        } catch (SdesException e) {
            throw new IOException("call " + callId + ": " + e.getMessage());
        }
    }
}
