package io.hub.phone.call;

import io.hub.relay.srtp.SdesKey;
import io.hub.relay.srtp.SdesKeyException;
import io.hub.relay.srtp.SrtpSuite;
import io.hub.relay.sdp.CryptoAttribute;
import io.hub.relay.sdp.SdpException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SDP a desk phone sends and reads: one audio stream of G.711 µ-law (and telephone-event) over
 * RTP/SAVP with an SDES key (RFC 4568), 20 ms packets. The key in a phone's own {@code a=crypto} is
 * the one it encrypts with; the other side's is the one it decrypts with.
 */
public final class SdpBody {

    /** What the phone needs from the other side's SDP: where to send, and the key to decrypt with. */
    public record Remote(InetSocketAddress media, CryptoAttribute crypto, SdesKey key) {
    }

    private SdpBody() {
    }

    /** An offer or answer for audio at {@code ip:port} with {@code key} under crypto tag {@code tag}. */
    public static String describe(String ip, int port, SdesKey key, int tag, long sessionId) {
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
                + "a=crypto:" + key.cryptoAttribute(tag) + "\r\n";
    }

    /**
     * Reads the other side's audio stream: its address (media-level {@code c=} over session-level),
     * port, and the first SDES key of a suite this phone speaks.
     *
     * @throws SdpException when there is no usable SRTP audio stream
     */
    public static Remote read(String sdp) throws SdpException {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new SdpException("not SDP");
        }
        String sessionAddress = null;
        String mediaAddress = null;
        boolean inAudio = false;
        boolean seenAudio = false;
        int port = -1;
        String protocol = null;
        List<String> cryptos = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                inAudio = !seenAudio && line.startsWith("m=audio ");
                if (inAudio) {
                    seenAudio = true;
                    String[] parts = line.substring(2).split(" ");
                    if (parts.length < 4) {
                        throw new SdpException("bad media line: " + line);
                    }
                    try {
                        port = Integer.parseInt(parts[1].split("/")[0]);
                    } catch (NumberFormatException e) {
                        throw new SdpException("bad port in " + line);
                    }
                    protocol = parts[2];
                }
            } else if (line.startsWith("c=")) {
                String[] parts = line.substring(2).split(" ");
                if (parts.length == 3) {
                    if (!seenAudio) {
                        sessionAddress = parts[2].split("/")[0];
                    } else if (inAudio) {
                        mediaAddress = parts[2].split("/")[0];
                    }
                }
            } else if (inAudio && line.startsWith("a=crypto:")) {
                cryptos.add(line.substring("a=crypto:".length()));
            }
        }
        if (!seenAudio || port <= 0 || port > 65535) {
            throw new SdpException("no audio stream with a port");
        }
        if (!"RTP/SAVP".equals(protocol) && !"RTP/SAVPF".equals(protocol)) {
            throw new SdpException("the audio is " + protocol + ", not SRTP (RTP/SAVP)");
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) {
            throw new SdpException("no connection address (c=)");
        }
        for (String value : cryptos) {
            CryptoAttribute crypto = CryptoAttribute.parse(value);
            if (crypto.isSupported()) {
                try {
                    SdesKey key = SdesKey.parse(SrtpSuite.forName(crypto.suite().toUpperCase(Locale.ROOT)),
                            crypto.keyParams());
                    return new Remote(new InetSocketAddress(address, port), crypto, key);
                } catch (SdesKeyException e) {
                    throw new SdpException("a=crypto:" + value + ": " + e.getMessage());
                }
            }
        }
        throw new SdpException("no a=crypto line with a suite this phone speaks");
    }
}
