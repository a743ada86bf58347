package io.hub.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.hub.phone.sdp.AudioStream;
import io.hub.phone.srtp.CryptoSuite;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SrtpReceiver;
import io.hub.phone.srtp.SrtpSender;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A registered desk phone for call tests: its TLS flow to the hub (through {@link SipTestClient}),
 * its SRTP media socket on loopback with its own key, and the few SIP messages a phone writes in a
 * call. Every read is bounded by the client's socket timeout.
 */
public final class CallPhone implements AutoCloseable {

    public final String user;
    public final SipTestClient sip;
    final DatagramSocket media;
    MasterKey ownKey = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
    private SrtpSender sending = new SrtpSender(ownKey);
    private MasterKey previousKey;
    private SrtpReceiver receiving;
    private InetSocketAddress relay;
    private int seq = 1000;
    private int cseq = 10;
    final String instance = "urn:uuid:" + UUID.randomUUID();
    private String contact;

    public CallPhone(String user, SipTestClient sip) throws IOException {
        this.user = user;
        this.sip = sip;
        this.media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.media.setSoTimeout(200);
    }

    /** Registers with RFC 5626 outbound, so the flow is the phone's and calls come down it. */
    public void register(String password) throws Exception {
        SIPResponse ok = sip.registerWithPassword(user, password, "MD5", contact() + ";+sip.instance=\"<" + instance
                + ">\";reg-id=1", "Supported: outbound", "Expires: 600");
        if (ok.getStatusCode() != 200) {
            throw new AssertionError("registration of " + user + " failed: " + ok.getStatusCode());
        }
    }

    public String contact() {
        return contact != null ? contact
                : "<sip:" + user + "@10.0.0." + user.substring(user.length() - 1) + ":5061;transport=tls;ob>";
    }

    /** Registers and answers with {@code uri} as its contact instead: a browser's, for example. */
    public CallPhone withContact(String uri) {
        this.contact = uri;
        return this;
    }

    /** An SDP offer or answer for this phone's media socket, SRTP with its own key. */
    String sdp(String profile, String direction, boolean rtcpMux) {
        return "v=0\r\n"
                + "o=- 1 1 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + media.getLocalPort() + " " + profile + " 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\n"
                + (profile.equals("RTP/SAVP") ? "a=crypto:1 " + ownKey.suite().name() + " " + ownKey.inline()
                        + "\r\n" : "")
                + (rtcpMux ? "a=rtcp-mux\r\n" : "")
                + "a=candidate:1 1 UDP 2130706431 192.168.1.20 " + media.getLocalPort() + " typ host\r\n"
                + "a=" + direction + "\r\n";
    }

    public String sdp() {
        return sdp("RTP/SAVP", "sendrecv", false);
    }

    /** An INVITE to {@code target} (an extension) with {@code sdp}; the Call-ID is returned in the text. */
    public String invite(String target, String callId, String sdp) {
        return request("INVITE", "sip:" + target + "@hub.test", callId, "tag-" + user, null, "<sip:" + target
                + "@hub.test>", ++cseq, sdp, "Contact: " + contact());
    }

    /** A request in a dialog, or outside one when {@code toTag} is null. */
    public String request(String method, String uri, String callId, String fromTag, String toTag, String to,
            long cseqNumber, String sdp, String... extra) {
        StringBuilder text = new StringBuilder()
                .append(method).append(' ').append(uri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK").append(UUID.randomUUID()).append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:").append(user).append("@hub.test>;tag=").append(fromTag).append("\r\n")
                .append("To: ").append(to).append(toTag == null ? "" : ";tag=" + toTag).append("\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseqNumber).append(' ').append(method).append("\r\n");
        for (String line : extra) {
            text.append(line).append("\r\n");
        }
        byte[] body = sdp == null ? new byte[0] : sdp.getBytes(StandardCharsets.UTF_8);
        if (sdp != null) {
            text.append("Content-Type: application/sdp\r\n");
        }
        return text.append("Content-Length: ").append(body.length).append("\r\n\r\n").append(sdp == null ? "" : sdp)
                .toString();
    }

    int nextCseq() {
        return ++cseq;
    }

    public void send(String text) throws IOException {
        sip.write(text);
    }

    /** Reads messages until one matches; fails after twenty others or the socket timeout. */
    public SIPMessage expect(Predicate<SIPMessage> wanted, String what) throws Exception {
        for (int i = 0; i < 20; i++) {
            SIPMessage message = sip.readMessage();
            if (wanted.test(message)) {
                return message;
            }
        }
        throw new AssertionError(user + " never got " + what);
    }

    public SIPResponse expectResponse(int status, String method) throws Exception {
        return (SIPResponse) expect(m -> m instanceof SIPResponse r && r.getStatusCode() == status
                && r.getCSeq().getMethod().equals(method), status + " to " + method);
    }

    /** The next final response to {@code method}, whatever its status. */
    public SIPResponse expectFinal(String method) throws Exception {
        return (SIPResponse) expect(m -> m instanceof SIPResponse r && r.getStatusCode() >= 200
                && r.getCSeq().getMethod().equals(method), "a final answer to " + method);
    }

    public SIPRequest expectRequest(String method) throws Exception {
        return (SIPRequest) expect(m -> m instanceof SIPRequest r && r.getMethod().equals(method), method);
    }

    /** Answers a request with {@code status}, adding a To tag and, with {@code sdp}, a body. */
    public void answer(SIPRequest request, int status, String toTag, String sdp) throws IOException {
        SIPResponse response = request.createResponse(status, SIPResponse.getReasonPhrase(status));
        try {
            if (toTag != null && response.getTo().getTag() == null) {
                response.getTo().setTag(toTag);
            }
            response.addHeader(new gov.nist.javax.sip.header.HeaderFactoryImpl().createHeader("Contact", contact()));
            if (sdp != null) {
                response.setContent(sdp, new gov.nist.javax.sip.header.HeaderFactoryImpl()
                        .createContentTypeHeader("application", "sdp"));
            }
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        sip.write(response.encode());
    }

    /** Takes the hub's SDP: where to send media and the key the hub encrypts this phone's media with. */
    public void hubSdp(SIPMessage message) throws Exception {
        AudioStream audio = AudioStream.read(new String(message.getRawContent(), StandardCharsets.UTF_8));
        relay = new InetSocketAddress(InetAddress.getByName(audio.address()), audio.port());
        receiving = new SrtpReceiver(audio.cryptos().get(0).key());
    }

    /** Offers a new key of its own, as phones do on hold; {@link #keepOldKey} when that offer is refused. */
    void rekey() {
        previousKey = ownKey;
        ownKey = MasterKey.generate(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
    }

    /** The new key was refused (RFC 3264: the old session stands), so the phone goes on with its old one. */
    void keepOldKey() {
        ownKey = previousKey;
    }

    InetSocketAddress relay() {
        return relay;
    }

    /** Sends one SRTP packet of 20 ms G.711 to the relay, encrypted with this phone's own key. */
    public void sendMedia() throws IOException {
        ByteBuffer packet = ByteBuffer.allocate(12 + 160 + 64);
        packet.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * 160).putInt(user.hashCode());
        for (int i = 0; i < 160; i++) {
            packet.put((byte) i);
        }
        seq++;
        packet.flip();
        sending.protect(packet);
        media.send(new DatagramPacket(packet.array(), packet.limit(), relay));
    }

    /** The next media packet, decrypted with the hub's key for this phone; null after 200 ms. */
    public byte[] receiveMedia() throws IOException {
        DatagramPacket datagram = new DatagramPacket(new byte[2048], 2048);
        try {
            media.receive(datagram);
        } catch (SocketTimeoutException e) {
            return null;
        }
        ByteBuffer packet = ByteBuffer.wrap(Arrays.copyOf(datagram.getData(), datagram.getLength()));
        SrtpReceiver.Result result = receiving.unprotect(packet);
        if (result != SrtpReceiver.Result.OK) {
            throw new AssertionError(user + ": the hub's packet did not decrypt with the hub's key: " + result);
        }
        return Arrays.copyOf(packet.array(), packet.limit());
    }

    /** Which side of a call heard the other within the rounds {@link #exchangeMedia} took. */
    public record Heard(boolean byCaller, boolean byCallee) {

        public boolean both() {
            return byCaller && byCallee;
        }
    }

    /**
     * Both phones send a packet and read what came, round after round (100 at most, each read waiting
     * 200 ms at most), until each has heard the other.
     */
    public static Heard exchangeMedia(CallPhone caller, CallPhone callee) throws IOException {
        boolean callerHeard = false;
        boolean calleeHeard = false;
        for (int i = 0; i < 100 && !(callerHeard && calleeHeard); i++) {
            caller.sendMedia();
            callee.sendMedia();
            calleeHeard |= callee.receiveMedia() != null;
            callerHeard |= caller.receiveMedia() != null;
        }
        return new Heard(callerHeard, calleeHeard);
    }

    /** A raw datagram to any port, as a spoofer would send it. */
    void sendRaw(byte[] bytes, InetSocketAddress to) throws IOException {
        media.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /**
     * A call from {@code caller} answered by {@code callee}, up to the caller's ACK, as both phones
     * see it; returns the Call-ID.
     */
    public static String establish(CallPhone caller, CallPhone callee) throws Exception {
        return call(caller, callee).callId();
    }

    /** An answered call as the tests see it: its Call-ID, the hub's To tag, the callee's INVITE and the caller's 200. */
    public record Established(String callId, String hubTag, SIPRequest calleeInvite, SIPResponse callerOk) {
    }

    /** A call from {@code caller} answered by {@code callee}, up to the caller's ACK. */
    public static Established call(CallPhone caller, CallPhone callee) throws Exception {
        String callId = UUID.randomUUID().toString();
        caller.send(caller.invite(callee.user, callId, caller.sdp()));
        caller.expectResponse(100, "INVITE");
        SIPRequest invite = callee.expectRequest("INVITE");
        callee.answer(invite, 180, "callee-tag", null);
        caller.expectResponse(180, "INVITE");
        callee.answer(invite, 200, "callee-tag", callee.sdp());
        SIPResponse ok = caller.expectResponse(200, "INVITE");
        callee.hubSdp(invite);
        caller.hubSdp(ok);
        callee.expectRequest("ACK");
        caller.send(caller.request("ACK", "sip:hub@127.0.0.1", callId, "tag-" + caller.user, ok.getTo().getTag(),
                "<sip:" + callee.user + "@hub.test>", ok.getCSeq().getSeqNumber(), null));
        return new Established(callId, ok.getTo().getTag(), invite, ok);
    }

    @Override
    public void close() {
        media.close();
        try {
            sip.close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }
}
