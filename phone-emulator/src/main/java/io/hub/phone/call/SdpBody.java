package io.hub.phone.call;

import io.hub.phone.sdp.AudioStream;
import io.hub.phone.sdp.SdpException;
import io.hub.phone.srtp.CryptoLine;
import io.hub.phone.srtp.MasterKey;
import io.hub.phone.srtp.SdesException;
import java.net.InetSocketAddress;

/**
 * The SDP a desk phone sends and reads: one audio stream of G.711 µ-law (and telephone-event) over
 * RTP/SAVP with an SDES key (RFC 4568), 20 ms packets. The key in a phone's own {@code a=crypto} is
 * the one it encrypts with; the other side's is the one it decrypts with.
 */
public final class SdpBody {

    /** What the phone needs from the other side's SDP: where to send, and the key to decrypt with. */
    public record Remote(InetSocketAddress media, CryptoLine crypto, MasterKey key) {
    }

    private SdpBody() {
    }

    /** An offer or answer for audio at {@code ip:port} with {@code key} under crypto tag {@code tag}. */
    public static String describe(String ip, int port, MasterKey key, int tag, long sessionId) {
        String family = ip.contains(":") ? "IP6" : "IP4";
        return "v=0\r\n"
                + "o=- " + sessionId + " 1 IN " + family + " " + ip + "\r\n"
                + "s=-\r\n"
                + "c=IN " + family + " " + ip + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n"
                + "a=crypto:" + CryptoLine.of(tag, key).format() + "\r\n";
    }

    /**
     * Reads the other side's audio stream: its address (media-level {@code c=} over session-level),
     * port, and the first SDES key of a suite this phone speaks.
     *
     * @throws SdpException when there is no usable SRTP audio stream
     */
    public static Remote read(String sdp) throws SdpException {
        AudioStream audio = AudioStream.read(sdp);
        if (!audio.isSrtp()) {
            throw new SdpException("the audio is " + audio.protocol() + ", not SRTP (RTP/SAVP)");
        }
        for (CryptoLine crypto : audio.cryptos()) {
            if (crypto.isSupported()) {
                try {
                    return new Remote(new InetSocketAddress(audio.address(), audio.port()), crypto, crypto.key());
                } catch (SdesException e) {
                    throw new SdpException("a=crypto:" + crypto.format() + ": " + e.getMessage());
                }
            }
        }
        throw new SdpException("no a=crypto line with a suite this phone speaks");
    }
}
