package io.hub.bench.relay;

import io.hub.phone.sdp.AudioStream;
import io.hub.phone.sdp.SdpException;
import io.hub.phone.srtp.CryptoLine;
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
 * The ng messages of one generated call as a SIP proxy sends them (caller A's from-tag, callee B's
 * to-tag on the answer, no ICE, origin and connection rewritten), and the reading of the relay's
 * replies every kind of generated call shares: the SDP or the reason it was refused, a crypto line of a
 * suite and its key.
 */
final class NgCallRequests {

    private final String callId;
    private final String dtls;

    /** @param dtls the ng {@code DTLS} flag of every offer and answer: {@code off} or {@code passive} */
    NgCallRequests(String callId, String dtls) {
        this.callId = callId;
        this.dtls = dtls;
    }

    Map<String, Object> offer(String sdp) {
        return request("offer", sdp);
    }

    Map<String, Object> answer(String sdp) {
        Map<String, Object> answer = request("answer", sdp);
        answer.put("to-tag", callId + "-b");
        return answer;
    }

    void delete(NgClient ng) throws IOException {
        Map<String, Object> delete = new HashMap<>();
        delete.put("command", "delete");
        delete.put("call-id", callId);
        delete.put("from-tag", callId + "-a");
        ng.request(delete);
    }

    /** The SDP of an {@code ok} reply to the offer or answer ({@code what}). */
    String sdpOf(Map<?, ?> reply, String what) throws IOException {
        if (!"ok".equals(reply.get("result")) || !(reply.get("sdp") instanceof String text)) {
            throw new IOException("call " + callId + ": the " + what + " was refused: " + reply.get("error-reason"));
        }
        return text;
    }

    /** The audio stream of an {@code ok} reply's SDP. */
    AudioStream audioOf(Map<?, ?> reply, String what) throws IOException {
        try {
            return AudioStream.read(sdpOf(reply, what));
        } catch (SdpException e) {
            throw new IOException("call " + callId + ": the relay's " + what + " SDP does not parse: " + e.getMessage());
        }
    }

    /** Where the relay wants {@code medium}'s packets sent. */
    static InetSocketAddress addressOf(AudioStream medium) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(medium.address()), medium.port());
    }

    /** The first crypto line of {@code suite} the relay wrote. */
    CryptoLine line(AudioStream medium, String suite) throws IOException {
        for (CryptoLine crypto : medium.cryptos()) {
            if (crypto.suite().equals(suite)) {
                return crypto;
            }
        }
        throw new IOException("call " + callId + ": no " + suite + " line in "
                + medium.cryptos().stream().map(CryptoLine::format).toList());
    }

    MasterKey key(CryptoLine crypto) throws IOException {
        try {
            return crypto.key();
        } catch (SdesException e) {
            throw new IOException("call " + callId + ": " + e.getMessage());
        }
    }

    private Map<String, Object> request(String command, String sdp) {
        Map<String, Object> request = new HashMap<>();
        request.put("command", command);
        request.put("call-id", callId);
        request.put("from-tag", callId + "-a");
        request.put("sdp", sdp);
        request.put("ICE", "remove");
        request.put("DTLS", dtls);
        request.put("replace", List.of("origin", "session-connection"));
        return request;
    }
}
